using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tests.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Deberta.Tests.Reliability;

/// <summary>
/// One loaded model shared by many threads answers exactly as it does on one thread: a PredictionEngine per thread,
/// and Transform cursors from several threads at once. A disposed model says so with ObjectDisposedException,
/// through ML.NET and through the model API, never with a native crash.
/// </summary>
[TestClass]
public sealed class ConcurrencyTests
{
    private const int Threads = 8;
    private const int PredictionsPerThread = 1_000;

    public sealed class Row
    {
        public string Text { get; set; } = "";
    }

    public sealed class Scored
    {
        public float[] Score { get; set; } = [];
        public string PredictedLabel { get; set; } = "";
    }

    private static string Pipeline(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "pipelines", name);

    private static readonly string[] Texts = [.. V1Tokenizers.YelpSentences().Take(100)];

    [TestMethod]
    public void EightThreadsWithAPredictionEngineEachAnswerBitForBitAsOneThreadDoes()
    {
        var mlContext = new MLContext(seed: 1);
        var empty = mlContext.Data.LoadFromEnumerable(Array.Empty<Row>());
        using var model = (IDisposable)mlContext.Transforms.Deberta.ApplyTextModel(Pipeline("v3_seqcls"))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel")).Fit(empty);
        var transformer = (ITransformer)model;
        string Line(Scored s) => string.Join(",", s.Score.Select(f => BitConverter.SingleToInt32Bits(f).ToString("x8"))) + " " + s.PredictedLabel;

        using var single = mlContext.Model.CreatePredictionEngine<Row, Scored>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
        var expected = Texts.Select(t => Line(single.Predict(new Row { Text = t }))).ToArray();

        var mismatches = new int[Threads];
        var threads = Enumerable.Range(0, Threads).Select(thread => new Thread(() =>
        {
            using var engine = mlContext.Model.CreatePredictionEngine<Row, Scored>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
            for (int i = 0; i < PredictionsPerThread; i++)
            {
                int text = (i * 7 + thread * 13) % Texts.Length;   // every thread walks the texts in its own order
                if (Line(engine.Predict(new Row { Text = Texts[text] })) != expected[text])
                    mismatches[thread]++;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Console.WriteLine($"concurrency: {Threads} threads x {PredictionsPerThread} predictions, {mismatches.Sum()} differ from one thread's");
        Assert.AreEqual(0, mismatches.Sum(), "every prediction equals the single-threaded one, bit for bit");
    }

    [TestMethod]
    public void TransformCursorsFromSeveralThreadsAtOnceReadWhatOneReads()
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(Texts.Select(t => new Row { Text = t }));
        var ner = mlContext.Transforms.Deberta.ApplyTokenClassificationModel(Pipeline("v1_tokcls")).Fit(data);
        var classifier = mlContext.Transforms.Deberta.ApplyTextModel(Pipeline("v3_seqcls")).Fit(data);
        try
        {
            string[] Read(ITransformer model, string column) =>
                [.. model.Transform(data).GetColumn<VBuffer<float>>(column).Select(v => string.Join(",", v.DenseValues().Select(f => BitConverter.SingleToInt32Bits(f))))];
            var expectedScores = Read(classifier, "Score");
            var expectedNer = Read(ner, "Score");
            var tasks = Enumerable.Range(0, 6).Select(i => Task.Run(() =>
                i % 2 == 0 ? Read(classifier, "Score").SequenceEqual(expectedScores) : Read(ner, "Score").SequenceEqual(expectedNer))).ToArray();
            Task.WaitAll(tasks);
            Assert.IsTrue(tasks.All(t => t.Result), "six cursors over two shared models, classification and NER, read what one cursor reads");
        }
        finally
        {
            (ner as IDisposable)?.Dispose();
            (classifier as IDisposable)?.Dispose();
        }
    }

    [TestMethod]
    public void EveryScoringStepUsedAfterDisposeThrowsObjectDisposedException()
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(new[] { new Row { Text = "The [MASK] was great." } });
        var steps = new (string Name, Func<ITransformer> Fit, string Column)[]
        {
            ("ApplyTextModel", () => mlContext.Transforms.Deberta.ApplyTextModel(Pipeline("v3_seqcls")).Fit(data), "Score"),
            ("ApplyTokenClassificationModel", () => mlContext.Transforms.Deberta.ApplyTokenClassificationModel(Pipeline("v1_tokcls")).Fit(data), "Score"),
            ("TextEmbedding", () => mlContext.Transforms.Deberta.TextEmbedding(Pipeline("v1_seqcls")).Fit(data), "Features"),
            ("FillMask", () => mlContext.Transforms.Deberta.FillMask(Pipeline("v3_mlm")).Fit(data), "Score"),
        };
        foreach (var (name, fit, column) in steps)
        {
            var model = fit();
            var scored = model.Transform(data);
            ((IDisposable)model).Dispose();
            Assert.ThrowsExactly<ObjectDisposedException>(() => model.Transform(data).GetColumn<VBuffer<float>>(column).ToList(), $"{name}: Transform after Dispose");
            Assert.ThrowsExactly<ObjectDisposedException>(() => scored.GetColumn<VBuffer<float>>(column).ToList(), $"{name}: a view made before Dispose, read after");
        }
    }

    [TestMethod]
    public void AModelUsedAfterDisposeThrowsObjectDisposedException()
    {
        var config = DebertaConfig.FromJson(File.ReadAllText(Path.Combine(Pipeline("v3_seqcls"), "config.json")));
        var model = new DebertaForSequenceClassification(config, seed: 1);
        var bare = new DebertaModel(config, seed: 1);
        using var ids = torch.tensor(new long[] { 1, 5, 2 }).unsqueeze(0);
        model.Dispose();
        bare.Dispose();
        var error = Assert.ThrowsExactly<ObjectDisposedException>(() => model.Predict(ids));
        StringAssert.Contains(error.Message, "DebertaForSequenceClassification");
        Assert.ThrowsExactly<ObjectDisposedException>(() => model.Forward(ids));
        Assert.ThrowsExactly<ObjectDisposedException>(() => bare.Predict(ids));
    }
}
