using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// <see cref="TextTrainerOptions.TrainingPrecision"/>: a classifier fitted with bfloat16 compute trains (its scores move
/// from the float32 fit's by bfloat16 rounding, no more), and the fitted model is float32 unless
/// <see cref="TextTrainerOptions.InferencePrecision"/> says otherwise.
/// </summary>
[TestClass]
public sealed class BFloat16TrainingTextClassifierTests
{
    public TestContext TestContext { get; set; } = null!;

    private static TextClassificationOptions Tiny(DebertaPrecision training, DebertaPrecision inference = DebertaPrecision.Float32) => new()
    {
        Config = DebertaTestData.SmallConfig(),
        TokenizerFolder = DebertaTestData.V1TokenizerFolder,
        MaxLength = 32,
        BatchSize = 8,
        Epochs = 2,
        LearningRate = 3e-3,
        Seed = 2,
        TrainingPrecision = training,
        InferencePrecision = inference,
    };

    private static ITransformer Fit(MLContext mlContext, IDataView data, TextClassificationOptions options) =>
        mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.Transforms.Deberta.TextClassification(options))
            .Fit(data);

    private static DebertaPreTrainedModel Model(ITransformer model) =>
        ((DebertaTextScorer)((IEnumerable<ITransformer>)model).OfType<TextScoringTransformer>().Single().Scorer).Model;

    private static float[][] Scores(ITransformer model, IDataView data) => [.. model.Transform(data).GetColumn<float[]>("Score")];

    [TestMethod]
    public void AFitWithBFloat16TrainingScoresInFloat32CloseToTheFloat32Fit()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 30);
        var float32 = Fit(mlContext, data, Tiny(DebertaPrecision.Float32));
        var mixed = Fit(mlContext, data, Tiny(DebertaPrecision.BFloat16));
        var mixedBFloat16Scoring = Fit(mlContext, data, Tiny(DebertaPrecision.BFloat16, DebertaPrecision.BFloat16));

        var model = Model(mixed);
        Assert.AreEqual(DebertaPrecision.Float32, model.Precision, "the fitted model scores in float32");
        Assert.AreEqual(DebertaPrecision.Float32, model.Backbone.AutocastPrecision, "bfloat16 compute ends with Fit");
        Assert.IsTrue(model.parameters().All(p => p.dtype == TorchSharp.torch.ScalarType.Float32), "float32 weights");
        Assert.AreEqual(DebertaPrecision.BFloat16, Model(mixedBFloat16Scoring).Precision, "InferencePrecision still converts at the end");

        // Same seed and data: only the training compute differs. Probabilities: measured max |Δ| 7.2e-7; bound 1e-5.
        var expected = Scores(float32, data);
        var actual = Scores(mixed, data);
        double worst = expected.Zip(actual).Max(p => p.First.Zip(p.Second).Max(v => Math.Abs(v.First - v.Second)));
        TestContext.WriteLine($"bf16-trained vs fp32-trained classifier: {expected.Length} rows, max |Δ| of the probabilities {worst:E2}");
        Assert.IsLessThanOrEqualTo(1e-5, worst, $"max |Δ| {worst}");
        Assert.IsGreaterThan(0.0, worst, "the same scores as the float32 fit: training did not compute in bfloat16");
        foreach (var fitted in new[] { float32, mixed, mixedBFloat16Scoring }) (fitted as IDisposable)?.Dispose();
    }

    [TestMethod]
    public void AnUndefinedTrainingPrecisionIsRefusedWhenTheEstimatorIsCreated()
    {
        var mlContext = new MLContext(seed: 1);
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mlContext.Transforms.Deberta.TextClassification(Tiny((DebertaPrecision)9)));
        StringAssert.Contains(error.Message, "TrainingPrecision must be Float32 or BFloat16");
    }
}
