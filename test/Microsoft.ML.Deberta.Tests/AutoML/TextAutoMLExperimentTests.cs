using Microsoft.ML.Data;
using Microsoft.ML.Deberta.AutoML;
using Microsoft.ML.Deberta.Tests.MLNet;

namespace Microsoft.ML.Deberta.Tests.AutoML;

/// <summary>The experiment end to end on a slice of Yelp: trials, the best model, failures, the time budget, events.</summary>
[TestClass]
public sealed class TextAutoMLExperimentTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>A tuner that proposes fixed parameters (to make one trial fail on purpose).</summary>
    private sealed class ListTuner(params Parameter[] parameters) : ITuner
    {
        public Parameter? Propose(int trialId) => trialId < parameters.Length ? parameters[trialId] : null;

        public void Update(int trialId, Parameter parameter, double loss, double cost) { }
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task ASweepReturnsTheBestModelItsMetricsAndTheTrialTable()
    {
        var mlContext = new MLContext(seed: 1);
        var events = new List<ExperimentEvent>();
        var experiment = AutoMLTestData.Experiment(mlContext).SetMaxTrials(3).SetMetric(TextAutoMLMetric.AreaUnderRocCurve)
            .SetMonitor(new SynchronousProgress<ExperimentEvent>(events.Add));
        using var result = await experiment.RunAsync(TestContext.CancellationToken);
        foreach (var t in result.Trials)
            TestContext.WriteLine($"trial {t.Id}: {t.Status} AUC {t.Metric:F3} {t.Duration.TotalSeconds:F1} s {t.Parameter}");

        Assert.HasCount(3, result.Trials);
        Assert.IsTrue(result.Trials.All(t => t.Status == TrialStatus.Completed));
        Assert.AreEqual(result.Trials.Max(t => t.Metric!.Value), result.BestTrial.Metric!.Value, "AUC is maximised");
        Assert.AreEqual(-result.BestTrial.Metric.Value, result.BestTrial.Loss);
        CollectionAssert.AreEquivalent(MetricRules.For(TextAutoMLTask.BinaryClassification).ToArray(), result.BestTrial.Metrics.Keys.ToArray());
        Assert.IsTrue(result.Trials.All(t => t.Epochs.Count >= 1 && t.PeakMemoryBytes > 0));
        Assert.AreEqual(2, result.BestEvaluation.ConfusionMatrix!.Length);
        var matrix = result.BestEvaluation.ConfusionMatrix;
        int validationRows = matrix.Sum(r => r.Sum());
        Assert.IsTrue(validationRows is > 20 and < 60, $"about a quarter of 160 rows validate: {validationRows}");
        Assert.AreEqual((matrix[0][0] + matrix[1][1]) / (double)validationRows, result.BestTrial.Metrics[TextAutoMLMetric.Accuracy], 1e-12,
            "the confusion matrix and the accuracy agree");

        // Events: started and completed per trial, at least one new best, progress in between.
        Assert.AreEqual(3, events.Count(e => e.Kind == ExperimentEventKind.TrialStarted));
        Assert.AreEqual(3, events.Count(e => e.Kind == ExperimentEventKind.TrialCompleted));
        Assert.IsTrue(events.Any(e => e.Kind == ExperimentEventKind.NewBest && e.TrialId == result.BestTrial.Id));
        Assert.IsTrue(events.Any(e => e.Kind == ExperimentEventKind.TrainingProgress));

        // The best model takes the raw columns and predicts the label's own values.
        var scored = result.BestModel.Transform(AutoMLTestData.Yelp(mlContext, 8));
        var predicted = scored.GetColumn<string>("PredictedLabel").ToList();
        Assert.HasCount(8, predicted);
        Assert.IsTrue(predicted.All(p => p is "positive" or "negative"));
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task AFailedTrialIsRecordedAndTheSweepGoesOn()
    {
        var mlContext = new MLContext(seed: 1);
        var space = AutoMLTestData.TinySpace();
        var good = space.Default;
        var bad = Parameter.FromJson(good.ToJson().Replace("\"BatchSize\":16", "\"BatchSize\":0"));
        var experiment = AutoMLTestData.Experiment(mlContext, 80).SetMaxTrials(5).SetTuner((_, _) => new ListTuner(bad, good));
        using var result = await experiment.RunAsync(TestContext.CancellationToken);

        Assert.HasCount(2, result.Trials, "the tuner ran dry after two");
        Assert.AreEqual(TrialStatus.Failed, result.Trials[0].Status);
        StringAssert.Contains(result.Trials[0].Error, "BatchSize");
        Assert.AreEqual(double.PositiveInfinity, result.Trials[0].Loss);
        Assert.AreEqual(TrialStatus.Completed, result.Trials[1].Status);
        Assert.AreEqual(1, result.BestTrial.Id);
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task ABudgetTooSmallForOneEpochStillReturnsAModelAndSaysSo()
    {
        var mlContext = new MLContext(seed: 1);
        // 400 rows of batch 8 take far more than a quarter second per epoch.
        var space = AutoMLTestData.TinySpace().With(new ChoiceDimension("BatchSize", [8]));
        var experiment = new TextAutoMLExperiment(mlContext, seed: 3)
            .SetDataset(AutoMLTestData.Yelp(mlContext, 500), validationFraction: 0.2)
            .SetColumns("Sentiment", "Text").SetTask(TextAutoMLTask.BinaryClassification)
            .SetSearchSpace(space, DebertaTestData.V1TokenizerFolder)
            .SetTrainingTimeInSeconds(0.25);
        using var result = await experiment.RunAsync(TestContext.CancellationToken);

        Assert.HasCount(1, result.Trials);
        Assert.IsTrue(result.BestTrial.StoppedByBudget);
        Assert.AreEqual(TrialStatus.Completed, result.BestTrial.Status);
        Assert.IsNotNull(result.BestModel);
        Assert.IsTrue(result.Warnings.Any(w => w.Contains("before its first epoch finished")), string.Join("\n", result.Warnings));
        Assert.HasCount(100, result.BestModel.Transform(AutoMLTestData.Yelp(mlContext, 100)).GetColumn<string>("PredictedLabel").ToList());
    }
}
