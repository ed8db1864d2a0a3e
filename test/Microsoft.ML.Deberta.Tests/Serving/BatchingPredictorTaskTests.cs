using Microsoft.ML.Deberta.Tests.MLNet;

namespace Microsoft.ML.Deberta.Tests.Serving;

/// <summary>
/// <see cref="BatchingPredictor{TInput, TOutput}"/> over real DeBERTa steps (transformers' tiny reference checkpoints):
/// a saved and loaded classifier, text pairs, NER, question answering, fill-mask and embeddings answer a concurrent burst as <c>Transform</c> answers the same texts
/// (scores within 1e-5: batch composition changes padding, hence the last bits); a bad row fails only its own request.
/// </summary>
[TestClass]
public sealed class BatchingPredictorTaskTests
{
    public sealed class TextInput
    {
        public string Text { get; set; } = "";
    }

    public sealed class ClassOutput
    {
        public float[] Score { get; set; } = [];

        public uint PredictedLabel { get; set; }
    }

    public sealed class EntityOutput
    {
        public uint[] PredictedLabel { get; set; } = [];

        public string[] EntityGroup { get; set; } = [];

        public string[] EntityText { get; set; } = [];

        public float[] EntityScore { get; set; } = [];
    }

    public sealed class EmbeddingOutput
    {
        public float[] Features { get; set; } = [];
    }

    public sealed class PairInput
    {
        public string Text { get; set; } = "";

        public string Pair { get; set; } = "";
    }

    public sealed class QaInput
    {
        public string Question { get; set; } = "";

        public string Context { get; set; } = "";
    }

    public sealed class QaOutput
    {
        public string[] Answer { get; set; } = [];

        public float[] Score { get; set; } = [];

        public int[] Start { get; set; } = [];

        public int[] End { get; set; } = [];
    }

    public sealed class MaskOutput
    {
        public string[] Tokens { get; set; } = [];

        public float[] Score { get; set; } = [];
    }

    private static List<TextInput> Texts(int count) =>
        SentimentRow.ReadTsv(Path.Combine(AppContext.BaseDirectory, "TestData", "sentiment", "yelp_labelled.txt"))
            .Take(count).Select(r => new TextInput { Text = r.Text }).ToList();

    // 64 requests from 16 concurrent callers; the answers in row order.
    private static async Task<TOutput[]> Burst<TOutput>(MLContext mlContext, ITransformer model, IReadOnlyList<TextInput> rows)
        where TOutput : class, new() => await Burst<TextInput, TOutput>(mlContext, model, rows);

    private static async Task<TOutput[]> Burst<TInput, TOutput>(MLContext mlContext, ITransformer model, IReadOnlyList<TInput> rows)
        where TInput : class
        where TOutput : class, new()
    {
        await using var predictor = new BatchingPredictor<TInput, TOutput>(mlContext, model, new BatchingOptions { MaxBatchSize = 8 });
        var answers = new TOutput[rows.Count];
        await Task.WhenAll(Enumerable.Range(0, 16).Select(caller => Task.Run(async () =>
        {
            for (int i = caller; i < rows.Count; i += 16)
                answers[i] = await predictor.PredictAsync(rows[i]);
        })));
        Assert.IsLessThan(rows.Count, predictor.BatchCount, "requests shared batches");
        return answers;
    }

    private static TOutput[] TransformAll<TOutput>(MLContext mlContext, ITransformer model, IReadOnlyList<TextInput> rows)
        where TOutput : class, new() => TransformAll<TextInput, TOutput>(mlContext, model, rows);

    private static TOutput[] TransformAll<TInput, TOutput>(MLContext mlContext, ITransformer model, IReadOnlyList<TInput> rows)
        where TInput : class
        where TOutput : class, new() =>
        mlContext.Data.CreateEnumerable<TOutput>(model.Transform(mlContext.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToArray();

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual, what);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], 1e-5, $"{what}, value {i}");
    }

    [TestMethod]
    public async Task ASavedClassifierAnswersABurstAsTransformDoes()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = Texts(64);
        var data = mlContext.Data.LoadFromEnumerable(rows);
        string path = Path.Combine(Path.GetTempPath(), $"deberta-batching-{Guid.NewGuid():N}.zip");
        try
        {
            using (var fitted = mlContext.Transforms.Deberta.ApplyTextModel(GoldenData.Bundled("pipelines", "v1_seqcls"), batchSize: 8).Fit(data))
                DebertaModelIO.Save(mlContext, fitted, data.Schema, path);
            var model = DebertaModelIO.Load(mlContext, path, out _);
            var expected = TransformAll<ClassOutput>(mlContext, model, rows);
            var actual = await Burst<ClassOutput>(mlContext, model, rows);
            for (int i = 0; i < rows.Count; i++)
            {
                AssertClose(expected[i].Score, actual[i].Score, $"row {i}");
                Assert.AreEqual(expected[i].PredictedLabel, actual[i].PredictedLabel, $"row {i}");
            }
            (model as IDisposable)?.Dispose();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public async Task NerAnswersABurstAsTransformDoes()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = Texts(64);
        using var model = mlContext.Transforms.Deberta.ApplyTokenClassificationModel(GoldenData.Bundled("pipelines", "v1_tokcls"), batchSize: 8)
            .Fit(mlContext.Data.LoadFromEnumerable(rows));
        var expected = TransformAll<EntityOutput>(mlContext, model, rows);
        var actual = await Burst<EntityOutput>(mlContext, model, rows);
        Assert.IsTrue(expected.Sum(e => e.EntityGroup.Length) > 0, "the reference model finds some entities, so the comparison is not empty");
        for (int i = 0; i < rows.Count; i++)
        {
            CollectionAssert.AreEqual(expected[i].PredictedLabel, actual[i].PredictedLabel, $"row {i}");
            CollectionAssert.AreEqual(expected[i].EntityGroup, actual[i].EntityGroup, $"row {i}");
            CollectionAssert.AreEqual(expected[i].EntityText, actual[i].EntityText, $"row {i}");
            AssertClose(expected[i].EntityScore, actual[i].EntityScore, $"row {i}");
        }
    }

    [TestMethod]
    public async Task EmbeddingsAnswerABurstAsTransformDoesAndAnEmptyTextFailsOnlyItsOwnRequest()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = Texts(64);
        using var model = mlContext.Transforms.Deberta.TextEmbedding(GoldenData.Bundled("pipelines", "v1_seqcls"), outputColumnName: "Features")
            .Fit(mlContext.Data.LoadFromEnumerable(rows));
        var expected = TransformAll<EmbeddingOutput>(mlContext, model, rows);
        var actual = await Burst<EmbeddingOutput>(mlContext, model, rows);
        for (int i = 0; i < rows.Count; i++)
            AssertClose(expected[i].Features, actual[i].Features, $"row {i}");

        // One empty text among seven good ones, all in one batch: the model refuses the batch, so each row is scored alone.
        await using var predictor = new BatchingPredictor<TextInput, EmbeddingOutput>(mlContext, model,
            new BatchingOptions { MaxBatchSize = 8, MaxWait = TimeSpan.FromSeconds(20) });
        var batch = rows.Take(7).Append(new TextInput { Text = "" }).Select(r => predictor.PredictAsync(r)).ToArray();
        var failure = await Assert.ThrowsAsync<Exception>(() => batch[7]);
        StringAssert.Contains(failure.Message, "empty");
        for (int i = 0; i < 7; i++)
            AssertClose(expected[i].Features, (await batch[i]).Features, $"row {i} beside the empty text");
    }

    [TestMethod]
    public async Task TextPairsAnswerABurstAsTransformDoes()
    {
        var mlContext = new MLContext(seed: 1);
        var texts = Texts(65);
        var rows = texts.Take(64).Select((r, i) => new PairInput { Text = r.Text, Pair = texts[i + 1].Text }).ToList();
        using var model = mlContext.Transforms.Deberta.ApplyTextModel(GoldenData.Bundled("pipelines", "v1_seqcls"), textPairColumnName: "Pair", batchSize: 8)
            .Fit(mlContext.Data.LoadFromEnumerable(rows));
        var expected = TransformAll<PairInput, ClassOutput>(mlContext, model, rows);
        var actual = await Burst<PairInput, ClassOutput>(mlContext, model, rows);
        for (int i = 0; i < rows.Count; i++)
            AssertClose(expected[i].Score, actual[i].Score, $"pair {i}");
    }

    [TestMethod]
    public async Task QuestionAnsweringAnswersABurstAsTransformDoes()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = Texts(32).Select(r => new QaInput { Question = "What was it like?", Context = r.Text }).ToList();
        using var model = mlContext.Transforms.Deberta.ApplyQuestionAnsweringModel(GoldenData.Bundled("pipelines", "v1_qa"), topK: 2)
            .Fit(mlContext.Data.LoadFromEnumerable(rows));
        var expected = TransformAll<QaInput, QaOutput>(mlContext, model, rows);
        var actual = await Burst<QaInput, QaOutput>(mlContext, model, rows);
        for (int i = 0; i < rows.Count; i++)
        {
            CollectionAssert.AreEqual(expected[i].Answer, actual[i].Answer, $"row {i}");
            CollectionAssert.AreEqual(expected[i].Start, actual[i].Start, $"row {i}");
            CollectionAssert.AreEqual(expected[i].End, actual[i].End, $"row {i}");
            AssertClose(expected[i].Score, actual[i].Score, $"row {i}");
        }
    }

    [TestMethod]
    public async Task FillMaskAnswersABurstAsTransformDoes()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = Texts(32).Select(r => new TextInput { Text = "[MASK] " + r.Text }).ToList();
        using var model = mlContext.Transforms.Deberta.FillMask(GoldenData.Bundled("pipelines", "v3_mlm"), topK: 3)
            .Fit(mlContext.Data.LoadFromEnumerable(rows));
        var expected = TransformAll<MaskOutput>(mlContext, model, rows);
        var actual = await Burst<MaskOutput>(mlContext, model, rows);
        for (int i = 0; i < rows.Count; i++)
        {
            CollectionAssert.AreEqual(expected[i].Tokens, actual[i].Tokens, $"row {i}");
            AssertClose(expected[i].Score, actual[i].Score, $"row {i}");
        }
    }
}
