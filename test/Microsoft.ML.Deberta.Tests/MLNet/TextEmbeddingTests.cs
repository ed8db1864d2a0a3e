using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// <c>TextEmbedding</c> through ML.NET: Yelp embeddings feed an ML.NET trainer that beats the majority class; long
/// texts are the average of their windows; the step saves and loads in a fresh process with identical vectors;
/// an empty text and bad settings are clear errors.
/// </summary>
[TestClass]
public sealed class TextEmbeddingTests
{
    public TestContext TestContext { get; set; } = null!;

    // A v1 sequence classifier as transformers saved it (float16, vocab.json + merges.txt): random weights, full vocabulary.
    private static string ModelFolder => GoldenData.Bundled("pipelines", "v1_seqcls");

    private static string YelpPath => Path.Combine(AppContext.BaseDirectory, "TestData", "sentiment", "yelp_labelled.txt");

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public void YelpEmbeddingsThroughAnMLNetTrainerBeatTheMajorityClass()
    {
        var mlContext = new MLContext(seed: 1);
        var split = mlContext.Data.TrainTestSplit(mlContext.Data.LoadFromEnumerable(SentimentRow.ReadTsv(YelpPath)), testFraction: 0.2, seed: 7);

        string modelFolder = ModelFolder;
        // ---- as in docs/mlnet-guide.md (TextEmbedding) ----
        var pipeline = mlContext.Transforms.Deberta.TextEmbedding(modelFolder, textColumnName: "Text", outputColumnName: "Features")
            .AppendCacheCheckpoint(mlContext)
            .Append(mlContext.Transforms.Conversion.MapValueToKey("Label", "Sentiment"))
            .Append(mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "Features"));
        var model = pipeline.Fit(split.TrainSet);
        var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(split.TestSet), "Label");
        // ---- end ----

        var test = split.TestSet.GetColumn<bool>("Positive").ToArray();
        double majority = Math.Max(test.Count(p => p), test.Count(p => !p)) / (double)test.Length;
        TestContext.WriteLine($"Yelp, mean-pooled embeddings (hidden 32) → LbfgsMaximumEntropy: accuracy {metrics.MicroAccuracy:F3} on {test.Length} test rows, majority class {majority:F3}");
        Assert.IsGreaterThan(majority + 0.03, metrics.MicroAccuracy, $"accuracy {metrics.MicroAccuracy:F3} vs majority {majority:F3}");
        (model as IDisposable)?.Dispose();
    }

    [TestMethod]
    public void ALongTextIsTheAverageOfItsWindows()
    {
        var mlContext = new MLContext(seed: 1);
        string text = string.Join(" ", Enumerable.Repeat("The food was great but the service was slow and the room was cold.", 4));
        var data = mlContext.Data.LoadFromEnumerable(new[] { new TextRow { Text = text } });
        using var step = mlContext.Transforms.Deberta.TextEmbedding(new TextEmbeddingOptions { ModelFolder = ModelFolder, MaxLength = 24, Stride = 4 }).Fit(data);
        var ours = step.Transform(data).GetColumn<float[]>("Features").Single();

        // Independently: every window as a row of its own, then their plain average.
        var tokenizer = DebertaTokenizerBase.FromFolder(ModelFolder);
        var windows = ExampleEncoder.Encode(tokenizer, [text], null, 24, LongTextStrategy.SlidingWindows, 4);
        Assert.IsGreaterThan(2, windows.Count, "the text spans several windows");
        using var model = DebertaCheckpoint.Load<DebertaModel>(ModelFolder);
        var each = EmbeddingPredictor.Embed(model, windows.Select((w, i) => w with { SourceIndex = i }).ToList(), windows.Count, 8, EmbeddingPooling.Mean, false);
        Assert.HasCount(model.Config.HiddenSize, ours);
        for (int d = 0; d < ours.Length; d++)
            Assert.AreEqual(each.Average(v => v[d]), ours[d], 1e-5, $"dimension {d}");
    }

    [TestMethod]
    public void EmbeddingsLoadInAFreshProcessWithIdenticalVectors()
    {
        var folder = Directory.CreateTempSubdirectory("deberta-embedding-tests-").FullName;
        try
        {
            var mlContext = new MLContext(seed: 1);
            var rows = SentimentRow.ReadTsv(YelpPath).Take(7).Select(r => new TextRow { Text = r.Text, Label = r.Sentiment }).ToList();
            var rowsPath = Path.Combine(folder, "rows.tsv");
            File.WriteAllLines(rowsPath, rows.Select(r => $"{r.Text}\t{r.Label}"));
            var data = mlContext.Data.LoadFromEnumerable(TextRow.ReadTsv(rowsPath));
            var model = mlContext.Transforms.Deberta.TextEmbedding(ModelFolder, pooling: EmbeddingPooling.Max, normalize: true, textPairColumnName: "Label").Fit(data);
            var expected = PredictionDump.Lines(model.Transform(data), "Features");
            var modelPath = Path.Combine(folder, "embedder.zip");
            DebertaModelIO.Save(mlContext, model, data.Schema, modelPath);
            model.Dispose();

            var outputPath = Path.Combine(folder, "child-output.txt");
            var result = ChildProcess.Run(["predict-builtin", modelPath, rowsPath, outputPath, "Features"], TimeSpan.FromMinutes(3));
            Assert.AreEqual(0, result.ExitCode, result.Output);
            CollectionAssert.AreEqual(expected, File.ReadAllLines(outputPath).Take(expected.Count).ToArray(), "same vectors in a fresh process");

            using var loaded = (TextScoringTransformer)DebertaModelIO.Load(mlContext, modelPath, out _);
            var engine = mlContext.Model.CreatePredictionEngine<TextRow, EmbeddingRow>(loaded, new PredictionEngineOptions { OwnsTransformer = false });
            var one = engine.Predict(rows[0]);
            var batched = loaded.Transform(data).GetColumn<float[]>("Features").First();
            for (int d = 0; d < batched.Length; d++)
                Assert.AreEqual(batched[d], one.Features[d], 1e-5, $"a PredictionEngine (a batch of one, padded differently) gives the same vector, dimension {d}");
            Assert.AreEqual(1.0, Math.Sqrt(one.Features.Sum(f => (double)f * f)), 1e-5, "normalised");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public sealed class EmbeddingRow
    {
        public float[] Features { get; set; } = [];
    }

    [TestMethod]
    public void AnEmptyTextIsAClearError()
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(new[] { new TextRow { Text = "fine" }, new TextRow { Text = "" } });
        using var step = mlContext.Transforms.Deberta.TextEmbedding(ModelFolder).Fit(data);
        var e = Assert.Throws<InvalidDataException>(() => step.Transform(data).GetColumn<float[]>("Features").ToArray());
        StringAssert.Contains(e.Message, "text 2 of a batch of 2 rows is empty");
        StringAssert.Contains(e.Message, "FilterByCustomPredicate");
    }

    [TestMethod]
    public void BadSettingsFailWhenTheMethodIsCalled()
    {
        var mlContext = new MLContext(seed: 1);
        var missing = Assert.Throws<DirectoryNotFoundException>(() => mlContext.Transforms.Deberta.TextEmbedding("/no/such/model"));
        StringAssert.Contains(missing.Message, "TextEmbedding: the model folder");
        var stride = Assert.Throws<ArgumentOutOfRangeException>(() => mlContext.Transforms.Deberta.TextEmbedding(
            new TextEmbeddingOptions { ModelFolder = ModelFolder, MaxLength = 16, Stride = 14 }));
        StringAssert.Contains(stride.Message, "Stride must lie in [0, 13]");
        var tooShort = Assert.Throws<ArgumentOutOfRangeException>(() => mlContext.Transforms.Deberta.TextEmbedding(ModelFolder, maxLength: 2));
        StringAssert.Contains(tooShort.Message, "TextEmbedding: MaxLength must be at least 3");
    }
}
