using System.IO.Compression;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// <see cref="DebertaEstimatorFineTuningOptions.InferencePrecision"/>: a classifier fitted with BFloat16 scores in bfloat16, close to
/// the same classifier in float32, and keeps its precision and its exact scores through a .zip.
/// <see cref="TextTrainerOptions.TrainingPrecision"/>: a classifier fitted with bfloat16 compute trains (its scores move
/// from the float32 fit's by bfloat16 rounding, no more), and the fitted model is float32 unless InferencePrecision
/// says otherwise.
/// </summary>
[TestClass]
public sealed class BFloat16TextClassifierTests
{
    private string _folder = "";

    public TestContext TestContext { get; set; } = null!;

    [TestInitialize]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("deberta-bf16-tests-").FullName;

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static TextClassificationOptions Tiny(DebertaPrecision precision, DebertaPrecision training = DebertaPrecision.Float32) => new()
    {
        Config = DebertaTestData.SmallConfig(),
        TokenizerFolder = DebertaTestData.V1TokenizerFolder,
        MaxLength = 32,
        BatchSize = 8,
        Epochs = 2,
        LearningRate = 3e-3,
        Seed = 2,
        InferencePrecision = precision,
        TrainingPrecision = training,
    };

    private static ITransformer Fit(MLContext mlContext, IDataView data, DebertaPrecision precision, DebertaPrecision training = DebertaPrecision.Float32) =>
        mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.Transforms.Deberta.TextClassification(Tiny(precision, training)))
            .Fit(data);

    private static DebertaTextScorer Scorer(ITransformer model) =>
        (DebertaTextScorer)((IEnumerable<ITransformer>)model).OfType<TextScoringTransformer>().Single().Scorer;

    private static float[][] Scores(ITransformer model, IDataView data) => [.. model.Transform(data).GetColumn<float[]>("Score")];

    [TestMethod]
    public void ABFloat16ClassifierScoresCloseToFloat32AndKeepsItsPrecisionThroughTheZip()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 30);
        var float32 = Fit(mlContext, data, DebertaPrecision.Float32);
        var bfloat16 = Fit(mlContext, data, DebertaPrecision.BFloat16);
        Assert.AreEqual(DebertaPrecision.Float32, Scorer(float32).Model.Precision);
        Assert.AreEqual(DebertaPrecision.BFloat16, Scorer(bfloat16).Model.Precision);

        // Same seed, same float32 training: only the scoring precision differs. Probabilities, bound 0.01.
        var expected = Scores(float32, data);
        var actual = Scores(bfloat16, data);
        double worst = ScoreComparison.MaxAbsDifference(expected, actual, "bf16 vs fp32 classifier");
        TestContext.WriteLine($"bf16 vs fp32 classifier: {expected.Length} rows, max |Δ| of the probabilities {worst:E2}");
        Assert.IsLessThanOrEqualTo(0.01, worst, $"max |Δ| {worst}");
        Assert.IsGreaterThan(0.0, worst, "bfloat16 scores equal float32's: the conversion did not happen");

        var path = Path.Combine(_folder, "bf16.zip");
        DebertaModelIO.Save(mlContext, bfloat16, data.Schema, path);
        Assert.Contains("\"inference_precision\": \"BFloat16\"", EncodingJson(path));
        var loaded = DebertaModelIO.Load(new MLContext(seed: 3), path, out _);
        Assert.AreEqual(DebertaPrecision.BFloat16, Scorer(loaded).Model.Precision);
        var reloaded = Scores(loaded, data);
        for (int i = 0; i < actual.Length; i++)
            CollectionAssert.AreEqual(actual[i], reloaded[i], $"row {i}: the same scores after loading");

        var float32Path = Path.Combine(_folder, "fp32.zip");
        DebertaModelIO.Save(mlContext, float32, data.Schema, float32Path);
        Assert.DoesNotContain("inference_precision", EncodingJson(float32Path));
        foreach (var model in new[] { float32, bfloat16, loaded }) (model as IDisposable)?.Dispose();
    }

    [TestMethod]
    public void AnUndefinedInferencePrecisionIsRefusedWhenTheEstimatorIsCreated()
    {
        var mlContext = new MLContext(seed: 1);
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mlContext.Transforms.Deberta.TextClassification(Tiny((DebertaPrecision)9)));
        StringAssert.Contains(error.Message, "InferencePrecision must be Float32 or BFloat16");
    }

    [TestMethod]
    public void AFitWithBFloat16TrainingScoresInFloat32CloseToTheFloat32Fit()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 30);
        var float32 = Fit(mlContext, data, DebertaPrecision.Float32);
        var mixed = Fit(mlContext, data, DebertaPrecision.Float32, training: DebertaPrecision.BFloat16);
        var mixedBFloat16Scoring = Fit(mlContext, data, DebertaPrecision.BFloat16, training: DebertaPrecision.BFloat16);

        var model = Scorer(mixed).Model;
        Assert.AreEqual(DebertaPrecision.Float32, model.Precision, "the fitted model scores in float32");
        Assert.AreEqual(DebertaPrecision.Float32, model.Backbone.AutocastPrecision, "bfloat16 compute ends with Fit");
        Assert.IsTrue(model.parameters().All(p => p.dtype == TorchSharp.torch.ScalarType.Float32), "float32 weights");
        Assert.AreEqual(DebertaPrecision.BFloat16, Scorer(mixedBFloat16Scoring).Model.Precision, "InferencePrecision still converts at the end");

        // Same seed and data: only the training compute differs. Probabilities: measured max |Δ| 7.2e-7; bound 1e-5.
        var expected = Scores(float32, data);
        var actual = Scores(mixed, data);
        double worst = ScoreComparison.MaxAbsDifference(expected, actual, "bf16-trained vs fp32-trained classifier");
        TestContext.WriteLine($"bf16-trained vs fp32-trained classifier: {expected.Length} rows, max |Δ| of the probabilities {worst:E2}");
        Assert.IsLessThanOrEqualTo(1e-5, worst, $"max |Δ| {worst}");
        Assert.IsGreaterThan(0.0, worst, "the same scores as the float32 fit: training did not compute in bfloat16");
        foreach (var fitted in new[] { float32, mixed, mixedBFloat16Scoring }) (fitted as IDisposable)?.Dispose();
    }

    [TestMethod]
    public void AnUndefinedTrainingPrecisionIsRefusedWhenTheEstimatorIsCreated()
    {
        var mlContext = new MLContext(seed: 1);
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => mlContext.Transforms.Deberta.TextClassification(Tiny(DebertaPrecision.Float32, training: (DebertaPrecision)9)));
        StringAssert.Contains(error.Message, "TrainingPrecision must be Float32 or BFloat16");
    }

    private static string EncodingJson(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith("/model/" + TextEncodingSettings.FileName, StringComparison.Ordinal));
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }
}
