using System.Diagnostics;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// Real data: a small DeBERTa v1 trained from scratch through the ML.NET API on 80% of the Yelp sentences
/// (TestData/sentiment, CC BY 4.0) must clearly beat the majority class on the other 20%, measured with ML.NET's
/// evaluator; scored in bfloat16 instead (<see cref="DebertaPrecision.BFloat16"/>), the same model predicts the same class
/// on at least 99.5% of all the Yelp sentences. With DEBERTA_EXTRA_SENTIMENT_TSV set, a model trained on all of Yelp is also scored on that file.
/// </summary>
[TestClass]
public sealed class YelpSentimentTests
{
    public TestContext TestContext { get; set; } = null!;

    private static string YelpPath => Path.Combine(AppContext.BaseDirectory, "TestData", "sentiment", "yelp_labelled.txt");

    private static TextClassificationOptions Options() => new()
    {
        Config = DebertaTestData.SmallConfig(hidden: 64, layers: 2, heads: 2),
        TokenizerFolder = DebertaTestData.V1TokenizerFolder,
        LabelColumnName = "Label",
        MaxLength = 64,
        BatchSize = 16,
        Epochs = 6,
        LearningRate = 1e-3,
        WarmupRatio = 0.1,
        Seed = 42,
    };

    private static IEstimator<ITransformer> Pipeline(MLContext mlContext, TextClassificationOptions options) =>
        mlContext.Transforms.Conversion.MapValueToKey("Label", "Sentiment")
            .Append(mlContext.Transforms.Deberta.TextClassification(options))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedSentiment", "PredictedLabel"));

    private static double MacroF1(ConfusionMatrix matrix)
    {
        var f1 = matrix.PerClassPrecision.Zip(matrix.PerClassRecall, (p, r) => p + r == 0 ? 0 : 2 * p * r / (p + r));
        return f1.Average();
    }

    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    public void ASmallModelTrainedFromScratchBeatsTheMajorityClass()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = SentimentRow.ReadTsv(YelpPath);
        var split = mlContext.Data.TrainTestSplit(mlContext.Data.LoadFromEnumerable(rows), testFraction: 0.2, seed: 7);
        var testRows = mlContext.Data.CreateEnumerable<SentimentRow>(split.TestSet, reuseRowObject: false).ToList();
        double majority = Math.Max(testRows.Count(r => r.Positive), testRows.Count(r => !r.Positive)) / (double)testRows.Count;

        var reports = new List<TrainingProgress>();
        var options = Options();
        options.Progress = new SynchronousProgress<TrainingProgress>(reports.Add);
        var clock = Stopwatch.StartNew();
        var model = Pipeline(mlContext, options).Fit(split.TrainSet);
        var fitTime = clock.Elapsed;

        var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(split.TestSet), "Label");
        double macroF1 = MacroF1(metrics.ConfusionMatrix);
        TestContext.WriteLine($"yelp: {testRows.Count} test rows, majority {majority:F3}, accuracy {metrics.MicroAccuracy:F3}, " +
            $"macro-F1 {macroF1:F3}, log-loss {metrics.LogLoss:F3}, fit time {fitTime.TotalSeconds:F1} s");
        Console.WriteLine($"yelp accuracy: {metrics.MicroAccuracy:F4}, macro-F1: {macroF1:F4}, fit time: {fitTime.TotalSeconds:F1} s");

        Assert.IsGreaterThanOrEqualTo(0.65, metrics.MicroAccuracy, $"accuracy {metrics.MicroAccuracy:F3} vs majority {majority:F3}");
        Assert.IsGreaterThanOrEqualTo(majority + 0.1, metrics.MicroAccuracy, "clearly above the majority class");
        Assert.IsGreaterThanOrEqualTo(0.6, macroF1);
        Assert.IsTrue(double.IsFinite(metrics.LogLoss), "scores are probabilities, so ML.NET's log-loss is finite");
        Assert.IsTrue(reports.Count > 0 && reports[^1].Step == reports[^1].TotalSteps, "progress reached the last step");
        AssertBFloat16AgreesWithFloat32(mlContext, model, mlContext.Data.LoadFromEnumerable(rows));
        ((IDisposable)model).Dispose();

        if (Environment.GetEnvironmentVariable("DEBERTA_EXTRA_SENTIMENT_TSV") is { Length: > 0 } extraPath)
        {
            var extraRows = SentimentRow.ReadTsv(extraPath);
            var all = Pipeline(mlContext, Options()).Fit(mlContext.Data.LoadFromEnumerable(rows));
            var extraMetrics = mlContext.MulticlassClassification.Evaluate(all.Transform(mlContext.Data.LoadFromEnumerable(extraRows)), "Label");
            Console.WriteLine($"extra accuracy: {extraMetrics.MicroAccuracy:F4}");
            TestContext.WriteLine($"extra accuracy: {extraMetrics.MicroAccuracy:F4} ({extraRows.Count} rows of {extraPath}, " +
                $"macro-F1 {MacroF1(extraMetrics.ConfusionMatrix):F4})");
            ((IDisposable)all).Dispose();
        }
    }

    // The fitted classifier's model converted in place (the bar: the same class on ≥ 99.5% of the sentences).
    private void AssertBFloat16AgreesWithFloat32(MLContext mlContext, ITransformer model, IDataView sentences)
    {
        var scorer = (DebertaTextScorer)((IEnumerable<ITransformer>)model).OfType<TextScoringTransformer>().Single().Scorer;
        var float32 = mlContext.Data.CreateEnumerable<Prediction>(model.Transform(sentences), reuseRowObject: false).ToList();
        scorer.Model.ConvertForInference(DebertaPrecision.BFloat16);
        var bfloat16 = mlContext.Data.CreateEnumerable<Prediction>(model.Transform(sentences), reuseRowObject: false).ToList();
        double agreement = float32.Zip(bfloat16).Count(p => p.First.PredictedLabel == p.Second.PredictedLabel) / (double)float32.Count;
        double worst = float32.Zip(bfloat16).Max(p => p.First.Score.Zip(p.Second.Score).Max(v => Math.Abs(v.First - v.Second)));
        TestContext.WriteLine($"yelp bf16: the same predicted class as float32 on {agreement:P2} of {float32.Count} sentences; max |Δ| of the probabilities {worst:E2}");
        Assert.IsGreaterThan(0.0, worst, "bfloat16 probabilities equal float32's: the conversion did not happen");
        Assert.IsGreaterThanOrEqualTo(0.995, agreement);
    }

    /// <summary>The scored columns the bf16 comparison reads.</summary>
    public sealed class Prediction
    {
        /// <summary>The predicted class (a key).</summary>
        public uint PredictedLabel { get; set; }

        /// <summary>The class probabilities.</summary>
        public float[] Score { get; set; } = [];
    }
}

/// <summary>An IProgress that reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
