using Microsoft.ML.Deberta.Tests.MLNet;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>
/// The "stop and keep the best" mode (<see cref="SequenceClassificationTrainingOptions.StopToken"/>) that a time budget
/// uses: unlike cancellation it returns normally, with the best completed epoch's weights or, before any epoch
/// completed, the weights reached so far.
/// </summary>
[TestClass]
public sealed class TrainerStopRequestTests
{
    private static SequenceClassificationTrainingOptions Options(CancellationToken stop) => new()
    {
        BatchSize = 8, Epochs = 3, LearningRate = 5e-3, WarmupRatio = 0.1, Seed = 7, ProgressInterval = 1, StopToken = stop,
    };

    private static double ValidationF1(Microsoft.ML.Deberta.Modeling.DebertaForSequenceClassification model, List<EncodedExample> valid, List<float> targets)
    {
        var logits = SequenceClassificationPredictor.PredictLogits(model, valid, targets.Count, 16);
        return ValidationMetrics.MacroF1(targets.Select(t => (int)t).ToArray(), logits.Select(l => Array.IndexOf(l, l.Max())).ToArray());
    }

    [TestMethod]
    public void AStopDuringALaterEpochKeepsTheBestCompletedEpoch()
    {
        var (train, targets) = ToyTask.Classification(64, seed: 11);   // 8 steps per epoch
        var (valid, validTargets) = ToyTask.Classification(24, seed: 12);
        using var model = ToyTask.Model();
        using var stop = new CancellationTokenSource();
        var progress = new SynchronousProgress<TrainingProgress>(p => { if (p.Step == 12) stop.Cancel(); });

        var result = new SequenceClassificationTrainer(Options(stop.Token)).Train(model, train, targets, valid, validTargets, progress);

        Assert.IsTrue(result.StoppedOnRequest);
        Assert.HasCount(1, result.Epochs, "the partial second epoch is dropped");
        Assert.AreEqual(1, result.BestEpoch);
        Assert.AreEqual(result.Epochs[0].ValidationMetric!.Value, ValidationF1(model, valid, validTargets), 1e-12,
            "the model holds epoch 1's weights again");
    }

    [TestMethod]
    public void AStopDuringTheFirstEpochReturnsThePartialEpoch()
    {
        var (train, targets) = ToyTask.Classification(64, seed: 13);
        var (valid, validTargets) = ToyTask.Classification(24, seed: 14);
        using var model = ToyTask.Model();
        using var stop = new CancellationTokenSource();
        var reports = new List<TrainingProgress>();
        var progress = new SynchronousProgress<TrainingProgress>(p => { reports.Add(p); if (p.Step == 3) stop.Cancel(); });

        var result = new SequenceClassificationTrainer(Options(stop.Token)).Train(model, train, targets, valid, validTargets, progress);

        Assert.IsTrue(result.StoppedOnRequest);
        Assert.HasCount(1, result.Epochs);
        Assert.IsNotNull(result.Epochs[0].ValidationMetric, "the partial epoch is validated, so the trial has a metric");
        Assert.AreEqual(3, reports.Max(r => r.Step), "no step after the request");
        Assert.AreEqual(result.Epochs[0].ValidationMetric!.Value, ValidationF1(model, valid, validTargets), 1e-12);
    }

    [TestMethod]
    public void AStopBeforeTrainingStillTakesOneStep()
    {
        var (train, targets) = ToyTask.Classification(32, seed: 15);
        using var model = ToyTask.Model();
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        var reports = new List<TrainingProgress>();

        var result = new SequenceClassificationTrainer(Options(stop.Token)).Train(model, train, targets,
            progress: new SynchronousProgress<TrainingProgress>(reports.Add));

        Assert.IsTrue(result.StoppedOnRequest);
        Assert.HasCount(1, result.Epochs);
        Assert.AreEqual(1, reports.Max(r => r.Step));
        Assert.IsTrue(double.IsFinite(result.Epochs[0].TrainingLoss));
    }
}
