using Microsoft.ML.Deberta.AutoML;
using Microsoft.ML.Deberta.Tests.MLNet;

namespace Microsoft.ML.Deberta.Tests.AutoML;

/// <summary>Successive halving over epochs: the ASHA rule, and a pruned trial in a real sweep.</summary>
[TestClass]
public sealed class SuccessiveHalvingTests
{
    public TestContext TestContext { get; set; } = null!;

    private static TrialEpoch F1(int epoch, double value) => new(epoch, 0.5, "macro-F1", value, TimeSpan.Zero);

    [TestMethod]
    public void OneTrialInEtaGoesOnPastEachRung()
    {
        var pruner = new SuccessiveHalvingPruner(reductionFactor: 3, minEpochs: 1);
        CollectionAssert.AreEqual(new[] { 1, 3, 9 }, Enumerable.Range(1, 10).Where(pruner.IsRung).ToArray());
        Assert.IsFalse(pruner.ShouldStop(0, F1(1, 0.70)), "fewer than η trials at the rung: continue");
        Assert.IsFalse(pruner.ShouldStop(1, F1(1, 0.60)));
        Assert.IsTrue(pruner.ShouldStop(2, F1(1, 0.65)), "3 trials at rung 1: only the best ⌊3/3⌋ = 1 continues");
        Assert.IsFalse(pruner.ShouldStop(3, F1(1, 0.80)), "a new best continues");
        Assert.IsFalse(pruner.ShouldStop(3, F1(2, 0.10)), "epoch 2 is no rung");
        Assert.IsFalse(pruner.ShouldStop(4, F1(1, 0.80)), "a tie with the best continues");
        Assert.IsTrue(pruner.ShouldStop(5, F1(1, 0.75)), "6 trials: the best 2 continue");

        var rmse = new SuccessiveHalvingPruner(2, 2);
        Assert.IsFalse(rmse.ShouldStop(0, new TrialEpoch(2, 1, "RMSE", 0.3, TimeSpan.Zero)));
        Assert.IsTrue(rmse.ShouldStop(1, new TrialEpoch(2, 1, "RMSE", 0.5, TimeSpan.Zero)), "RMSE: lower is better");
        Assert.IsFalse(rmse.ShouldStop(2, new TrialEpoch(2, 1, "RMSE", 0.9, TimeSpan.Zero), replay: true), "a replayed epoch decides nothing");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SuccessiveHalvingPruner(1));
    }

    /// <summary>Prunes trial 1 after its first epoch, to check the sweep's wiring independently of the metrics.</summary>
    private sealed class PruneTrialOne : ITrialPruner
    {
        public bool ShouldStop(int trialId, TrialEpoch epoch, bool replay = false) => trialId == 1;
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task APrunedTrialStopsAfterTheEpochAndKeepsItsModel()
    {
        var mlContext = new MLContext(1);
        var space = AutoMLTestData.TinySpace().With(new NumericDimension("Epochs", 3, 3, 3, isInteger: true));
        using var result = await AutoMLTestData.Experiment(mlContext, 60).SetSearchSpace(space, DebertaTestData.V1TokenizerFolder)
            .SetMaxTrials(2).SetTuner(TunerKind.Random).SetPruner(new PruneTrialOne()).RunAsync(TestContext.CancellationToken);

        Assert.HasCount(3, result.Trials[0].Epochs);
        Assert.IsFalse(result.Trials[0].StoppedEarly);
        Assert.AreEqual(TrialStatus.Completed, result.Trials[1].Status);
        Assert.IsTrue(result.Trials[1].StoppedEarly);
        Assert.IsFalse(result.Trials[1].StoppedByBudget);
        Assert.HasCount(1, result.Trials[1].Epochs, "stopped after its first epoch");
        Assert.IsNotNull(result.Trials[1].Metric);
    }
}
