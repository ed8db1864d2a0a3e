using System.Diagnostics;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>The fine-tuning loop on a tiny random model: learning, determinism, early stopping, cancellation, progress.</summary>
[TestClass]
public sealed class SequenceClassificationTrainerTests
{
    public TestContext TestContext { get; set; } = null!;

    private static SequenceClassificationTrainingOptions Options(int epochs = 4, int seed = 7, double learningRate = 3e-3) => new()
    {
        BatchSize = 8, Epochs = epochs, LearningRate = learningRate, WarmupRatio = 0.1, Seed = seed,
    };

    /// <summary>Synchronous progress sink (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class ProgressLog(Action<TrainingProgress>? onReport = null) : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = new();

        public void Report(TrainingProgress value)
        {
            Reports.Add(value);
            onReport?.Invoke(value);
        }
    }

    [TestMethod]
    public void ClassificationLearnsTheToyTask()
    {
        var (train, targets) = ToyTask.Classification(160, seed: 1);
        var (valid, validTargets) = ToyTask.Classification(60, seed: 2);
        using var model = ToyTask.Model();
        var lines = new List<string>();
        var clock = Stopwatch.StartNew();
        var result = new SequenceClassificationTrainer(Options(epochs: 4, learningRate: 5e-3)).Train(model, train, targets, valid, validTargets, log: lines.Add);
        clock.Stop();
        foreach (var line in lines) TestContext.WriteLine(line);
        TestContext.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s");

        Assert.HasCount(4, result.Epochs);
        Assert.IsFalse(result.StoppedEarly);
        Assert.IsLessThan(result.Epochs[0].TrainingLoss * 0.2, result.Epochs[^1].TrainingLoss, "the training loss must fall");
        Assert.AreEqual("macro-F1", result.Epochs[^1].ValidationMetricName);
        Assert.IsGreaterThan(0.95, result.Epochs.Max(e => e.ValidationMetric!.Value), "a marker-token task is learnable");
        Assert.HasCount(4, lines.Where(l => l.StartsWith("Epoch ", StringComparison.Ordinal)).ToList(), "one log line per epoch");
        StringAssert.Contains(lines[0], "accuracy");

        // The model holds the best epoch's weights: scoring the validation set again gives its metric.
        var logits = SequenceClassificationPredictor.PredictLogits(model, valid, validTargets.Count, 16);
        var predicted = logits.Select(l => Array.IndexOf(l, l.Max())).ToArray();
        double f1 = ValidationMetrics.MacroF1(validTargets.Select(t => (int)t).ToArray(), predicted);
        Assert.AreEqual(result.Epochs[result.BestEpoch - 1].ValidationMetric!.Value, f1, 1e-12);
        Assert.AreEqual(result.Epochs.Max(e => e.ValidationMetric!.Value), f1, 1e-12);
    }

    [TestMethod]
    public void RegressionLearnsTheToyTask()
    {
        var (train, targets) = ToyTask.Regression(120, seed: 3);
        var (valid, validTargets) = ToyTask.Regression(40, seed: 4);
        using var model = ToyTask.Model(numLabels: 1);
        var result = new SequenceClassificationTrainer(Options(epochs: 6, learningRate: 1e-2)).Train(model, train, targets, valid, validTargets);
        foreach (var e in result.Epochs) TestContext.WriteLine($"epoch {e.Epoch}: loss {e.TrainingLoss:F4}, RMSE {e.ValidationMetric:F4}");
        Assert.AreEqual("RMSE", result.Epochs[0].ValidationMetricName);
        Assert.IsLessThan(result.Epochs[0].TrainingLoss * 0.5, result.Epochs[^1].TrainingLoss);
        // Targets are ±1: predicting 0 everywhere would give RMSE 1.
        Assert.IsLessThan(0.5, result.Epochs.Min(e => e.ValidationMetric!.Value));
        Assert.AreEqual(result.Epochs.Min(e => e.ValidationMetric!.Value), result.Epochs[result.BestEpoch - 1].ValidationMetric!.Value, "lower RMSE is better");
    }

    [TestMethod]
    public void SameSeedGivesIdenticalWeights_DifferentSeedDoesNot()
    {
        var (train, targets) = ToyTask.Classification(40, seed: 5);
        Dictionary<string, Tensor> Train(int seed, double dropout)
        {
            using var model = ToyTask.Model(dropout: dropout);
            new SequenceClassificationTrainer(Options(epochs: 2, seed: seed)).Train(model, train, targets);
            return ToyTask.Weights(model);
        }

        // Dropout 0.1: the seed also fixes the dropout masks.
        var a = Train(seed: 7, dropout: 0.1);
        var b = Train(seed: 7, dropout: 0.1);
        // Without dropout only the shuffle depends on the seed.
        var c = Train(seed: 7, dropout: 0);
        var d = Train(seed: 8, dropout: 0);
        try
        {
            foreach (var name in a.Keys)
                Assert.IsTrue(a[name].Identical(b[name]), $"{name} differs between two runs with the same seed");
            Assert.IsFalse(c.Keys.All(name => c[name].Identical(d[name])), "another seed must shuffle differently");
        }
        finally
        {
            foreach (var w in new[] { a, b, c, d }) ToyTask.Dispose(w);
        }
    }

    [TestMethod]
    public void EpochOrderIsAPermutationFixedBySeedAndEpoch()
    {
        var first = SequenceClassificationTrainer.EpochOrder(seed: 3, epoch: 1, count: 50);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 50).ToArray(), first);
        CollectionAssert.AreEqual(first, SequenceClassificationTrainer.EpochOrder(3, 1, 50));
        CollectionAssert.AreNotEqual(first, SequenceClassificationTrainer.EpochOrder(3, 2, 50), "each epoch shuffles anew");
        CollectionAssert.AreNotEqual(first, SequenceClassificationTrainer.EpochOrder(4, 1, 50));
        CollectionAssert.AreNotEqual(Enumerable.Range(0, 50).ToArray(), first);
        // Epoch e uses new Random(seed + e − 1): epoch 2 of seed 3 is epoch 1 of seed 4.
        CollectionAssert.AreEqual(SequenceClassificationTrainer.EpochOrder(3, 2, 50), SequenceClassificationTrainer.EpochOrder(4, 1, 50));
    }

    [TestMethod]
    public void EarlyStoppingStopsAndRestoresTheBestEpoch()
    {
        // No epoch can beat the first by more than 2 (F1 ≤ 1), so epoch 1 stays best and patience 2 stops after epoch 3.
        var (train, targets) = ToyTask.Classification(48, seed: 6);
        var (valid, validTargets) = ToyTask.Classification(16, seed: 7);
        using var model = ToyTask.Model();
        Dictionary<string, Tensor>? afterEpoch1 = null;
        var progress = new ProgressLog(p =>
        {
            if (p.Epoch == 1 && p.ValidationMetric is not null) afterEpoch1 = ToyTask.Weights(model);
        });
        var options = Options(epochs: 6);
        options.EarlyStoppingPatience = 2;
        options.EarlyStoppingMinDelta = 2;
        var lines = new List<string>();
        var result = new SequenceClassificationTrainer(options).Train(model, train, targets, valid, validTargets, progress, lines.Add);
        foreach (var line in lines) TestContext.WriteLine(line);
        try
        {
            Assert.IsTrue(result.StoppedEarly);
            Assert.HasCount(3, result.Epochs);
            Assert.AreEqual(1, result.BestEpoch);
            Assert.IsNotNull(afterEpoch1);
            Assert.IsTrue(ToyTask.SameWeights(model, afterEpoch1), "the model must hold epoch 1's weights again");
            Assert.AreEqual(result.Epochs[^1].Epoch, progress.Reports[^1].Epoch);
            Assert.AreEqual(TimeSpan.Zero, progress.Reports[^1].EstimatedRemaining, "a finished run has nothing left");
            StringAssert.Contains(lines[2], "stopping early");
            StringAssert.Contains(lines[^1], "Restored the weights of epoch 1");
        }
        finally
        {
            if (afterEpoch1 is not null) ToyTask.Dispose(afterEpoch1);
        }
    }

    [TestMethod]
    public void WithoutPatienceTheBestEpochIsStillRestoredAtTheEnd()
    {
        var (train, targets) = ToyTask.Regression(32, seed: 8);
        var (valid, validTargets) = ToyTask.Regression(8, seed: 9);
        using var model = ToyTask.Model(numLabels: 1);
        Dictionary<string, Tensor>? afterEpoch1 = null;
        var progress = new ProgressLog(p =>
        {
            if (p.Epoch == 1 && p.ValidationMetric is not null) afterEpoch1 = ToyTask.Weights(model);
        });
        var options = Options(epochs: 3);
        options.EarlyStoppingMinDelta = 1e6; // RMSE can never fall by that much
        var result = new SequenceClassificationTrainer(options).Train(model, train, targets, valid, validTargets, progress);
        try
        {
            Assert.IsFalse(result.StoppedEarly);
            Assert.HasCount(3, result.Epochs);
            Assert.AreEqual(1, result.BestEpoch);
            Assert.IsTrue(ToyTask.SameWeights(model, afterEpoch1!));
        }
        finally
        {
            if (afterEpoch1 is not null) ToyTask.Dispose(afterEpoch1);
        }
    }

    [TestMethod]
    public void WithoutValidationTheLastEpochIsKept()
    {
        var (train, targets) = ToyTask.Classification(24, seed: 10);
        using var model = ToyTask.Model();
        var options = Options(epochs: 2);
        options.EarlyStoppingPatience = 1; // ignored without a validation set
        var result = new SequenceClassificationTrainer(options).Train(model, train, targets);
        Assert.AreEqual(2, result.BestEpoch);
        Assert.IsFalse(result.StoppedEarly);
        Assert.IsTrue(result.Epochs.All(e => e.ValidationMetric is null && e.ValidationMetricName is null));
    }

    [TestMethod]
    public void CancellationThrowsAndLeavesTheLastCompletedStep()
    {
        var (train, targets) = ToyTask.Classification(64, seed: 11);
        var (valid, validTargets) = ToyTask.Classification(16, seed: 12);
        using var model = ToyTask.Model();
        model.eval();
        using var cancellation = new CancellationTokenSource();
        Dictionary<string, Tensor>? atCancel = null;
        var progress = new ProgressLog(p =>
        {
            if (p.Step == 11)
            {
                atCancel = ToyTask.Weights(model);
                cancellation.Cancel();
            }
        });
        var options = Options(epochs: 3);
        options.ProgressInterval = 1;
        try
        {
            Assert.ThrowsExactly<OperationCanceledException>(() =>
                new SequenceClassificationTrainer(options).Train(model, train, targets, valid, validTargets, progress, cancellationToken: cancellation.Token));
            Assert.AreEqual(11, progress.Reports[^1].Step, "no report after the cancelling one");
            Assert.IsNotNull(atCancel);
            Assert.IsTrue(ToyTask.SameWeights(model, atCancel), "no step may run after cancellation");
            Assert.IsTrue(model.parameters().All(p => p.grad is null), "no gradients left behind");
            Assert.IsFalse(model.training, "the model gets its eval mode back");
        }
        finally
        {
            if (atCancel is not null) ToyTask.Dispose(atCancel);
        }

        // Already cancelled: nothing happens to the model.
        var before = ToyTask.Weights(model);
        try
        {
            Assert.ThrowsExactly<OperationCanceledException>(() =>
                new SequenceClassificationTrainer(options).Train(model, train, targets, cancellationToken: cancellation.Token));
            Assert.IsTrue(ToyTask.SameWeights(model, before));
        }
        finally
        {
            ToyTask.Dispose(before);
        }
    }

    [TestMethod]
    public void ProgressReportsStepsLossMetricAndEta()
    {
        // 100 examples, batch 8: 13 steps per epoch, 39 in all.
        var (train, targets) = ToyTask.Classification(100, seed: 13);
        var (valid, validTargets) = ToyTask.Classification(20, seed: 14);
        using var model = ToyTask.Model();
        var progress = new ProgressLog();
        var clock = Stopwatch.StartNew();
        new SequenceClassificationTrainer(Options(epochs: 3)).Train(model, train, targets, valid, validTargets, progress);
        var total = clock.Elapsed;
        var reports = progress.Reports;
        foreach (var r in reports)
            TestContext.WriteLine($"epoch {r.Epoch} step {r.Step}/{r.TotalSteps} loss {r.Loss:F4} lr {r.LearningRate:E2} {r.ValidationMetricName} {r.ValidationMetric:F3} elapsed {r.Elapsed.TotalSeconds:F2}s ETA {r.EstimatedRemaining.TotalSeconds:F2}s");

        CollectionAssert.AreEqual(new[] { 10, 13, 20, 26, 30, 39 }, reports.Select(r => r.Step).ToArray(), "every 10 steps and at each epoch end");
        Assert.IsTrue(reports.All(r => r.TotalSteps == 39 && r.Epochs == 3));
        CollectionAssert.AreEqual(new[] { 1, 1, 2, 2, 3, 3 }, reports.Select(r => r.Epoch).ToArray());
        var epochEnds = reports.Where(r => r.Step % 13 == 0).ToList();
        Assert.IsTrue(epochEnds.All(r => r.ValidationMetricName == "macro-F1" && r.ValidationMetric is >= 0 and <= 1));
        Assert.IsTrue(reports.Where(r => r.Step % 13 != 0).All(r => r.ValidationMetric is null));
        Assert.IsTrue(reports.All(r => double.IsFinite(r.Loss) && r.Loss > 0 && r.LearningRate > 0));
        for (int i = 1; i < reports.Count; i++)
            Assert.IsGreaterThanOrEqualTo(reports[i - 1].Elapsed, reports[i].Elapsed);
        Assert.AreEqual(TimeSpan.Zero, reports[^1].EstimatedRemaining);
        Assert.IsLessThanOrEqualTo(total, reports[^1].Elapsed);
        foreach (var r in reports.Take(reports.Count - 1))
        {
            // The time per step so far, times the steps left (validation time included in the time so far). Checked
            // by formula rather than against the real duration, which a busy machine makes erratic.
            var expected = r.Elapsed * ((double)(r.TotalSteps - r.Step) / r.Step);
            Assert.IsGreaterThan(TimeSpan.Zero, r.EstimatedRemaining);
            Assert.AreEqual(expected.TotalMilliseconds, r.EstimatedRemaining.TotalMilliseconds, 0.01, $"ETA at step {r.Step}");
        }
    }

    [TestMethod]
    public void TrainingModeIsRestoredAndGradientsReleased()
    {
        var (train, targets) = ToyTask.Classification(16, seed: 15);
        using var model = ToyTask.Model();
        model.train();
        new SequenceClassificationTrainer(Options(epochs: 1)).Train(model, train, targets);
        Assert.IsTrue(model.training);
        Assert.IsTrue(model.parameters().All(p => p.grad is null));
    }

    [TestMethod]
    public void BadArgumentsFailBeforeTraining()
    {
        var (train, targets) = ToyTask.Classification(8, seed: 16);
        using var model = ToyTask.Model();
        var weights = ToyTask.Weights(model);
        var trainer = new SequenceClassificationTrainer(Options(epochs: 1));
        void Fails<T>(Action action, string fragment) where T : Exception
        {
            var e = Assert.Throws<T>(action);
            StringAssert.Contains(e.Message, fragment);
        }
        try
        {
            Fails<ArgumentException>(() => trainer.Train(model, [], []), "training set is empty");
            Fails<ArgumentException>(() => trainer.Train(model, train, targets.Take(7).ToList()), "gives 7 rows");
            Fails<ArgumentException>(() => trainer.Train(model, train, targets.Append(1).ToList()), "have no example");
            Fails<ArgumentException>(() => trainer.Train(model, train, targets.Select((t, i) => i == 3 ? 2f : t).ToList()), "trainTargets[3] is 2, not a class index in 0…1");
            Fails<ArgumentException>(() => trainer.Train(model, train, targets.Select((t, i) => i == 4 ? -1f : t).ToList()), "trainTargets[4] is -1");
            Fails<ArgumentException>(() => trainer.Train(model, train, targets.Select((t, i) => i == 5 ? 0.5f : t).ToList()), "not a class index");
            Fails<ArgumentException>(() => trainer.Train(model, train, targets.Select((t, i) => i == 2 ? float.NaN : t).ToList()), "trainTargets[2] is NaN");
            Fails<ArgumentException>(() => trainer.Train(model, [.. train.Take(7), new EncodedExample([], [], 7)], targets), "has no tokens");
            Fails<ArgumentException>(() => trainer.Train(model, [.. train.Take(7), new EncodedExample([1, 2], [0], 7)], targets), "token type ids");
            Fails<ArgumentException>(() => trainer.Train(model, [.. train.Take(7), new EncodedExample([1, 99, 2], [0, 0, 0], 7)], targets), "outside the model's vocabulary");
            Fails<ArgumentException>(() => trainer.Train(model, train, targets, train, null), "both validation");
            Fails<ArgumentException>(() => trainer.Train(model, train, targets, [], []), "validation set is empty");
            Fails<ArgumentException>(() => trainer.Train(model, train, targets, train, targets.Select(_ => 9f).ToList()), "validationTargets[0] is 9");

            using (var regression = ToyTask.Model(numLabels: 1))
                Fails<ArgumentException>(() => trainer.Train(regression, train, targets.Select((t, i) => i == 1 ? float.PositiveInfinity : t).ToList()), "trainTargets[1] is Infinity");

            var absolute = ToyTask.Config(positionBiasedInput: true, maxPositions: 8);
            using (var shortModel = new DebertaForSequenceClassification(absolute))
                Fails<ArgumentException>(() => trainer.Train(shortModel, [.. train.Take(7), new EncodedExample(new int[9], new int[9], 7)], targets), "max_position_embeddings 8");

            var multiLabel = ToyTask.Config();
            multiLabel.ProblemType = ProblemType.MultiLabelClassification;
            using (var multi = new DebertaForSequenceClassification(multiLabel))
                Fails<NotSupportedException>(() => trainer.Train(multi, train, targets), "multi_label_classification");

            Fails<ArgumentOutOfRangeException>(() => new SequenceClassificationTrainer(new() { BatchSize = 0 }), "BatchSize");
            Fails<ArgumentOutOfRangeException>(() => new SequenceClassificationTrainer(new() { Epochs = 0 }), "Epochs");
            Fails<ArgumentOutOfRangeException>(() => new SequenceClassificationTrainer(new() { LearningRate = 0 }), "LearningRate");
            Fails<ArgumentOutOfRangeException>(() => new SequenceClassificationTrainer(new() { LearningRate = double.NaN }), "LearningRate");
            Fails<ArgumentOutOfRangeException>(() => new SequenceClassificationTrainer(new() { WarmupRatio = 1.5 }), "WarmupRatio");
            Fails<ArgumentOutOfRangeException>(() => new SequenceClassificationTrainer(new() { WeightDecay = -1 }), "WeightDecay");
            Fails<ArgumentOutOfRangeException>(() => new SequenceClassificationTrainer(new() { MaxGradNorm = -1 }), "MaxGradNorm");
            Fails<ArgumentOutOfRangeException>(() => new SequenceClassificationTrainer(new() { EarlyStoppingPatience = -1 }), "EarlyStoppingPatience");
            Fails<ArgumentOutOfRangeException>(() => new SequenceClassificationTrainer(new() { EarlyStoppingMinDelta = -0.1 }), "EarlyStoppingMinDelta");
            Fails<ArgumentOutOfRangeException>(() => new SequenceClassificationTrainer(new() { ProgressInterval = 0 }), "ProgressInterval");

            Assert.IsTrue(ToyTask.SameWeights(model, weights), "a rejected call must not touch the model");
        }
        finally
        {
            ToyTask.Dispose(weights);
        }
    }

    [TestMethod]
    public void OptionsAreCopiedWhenTheTrainerIsCreated()
    {
        var (train, targets) = ToyTask.Classification(16, seed: 17);
        var options = Options(epochs: 1);
        var trainer = new SequenceClassificationTrainer(options);
        options.Epochs = 0; // would be invalid; the trainer must not see it
        using var model = ToyTask.Model();
        Assert.HasCount(1, trainer.Train(model, train, targets).Epochs);
    }

    [TestMethod]
    public void DivergingLossThrowsWithoutApplyingTheStep()
    {
        var (train, targets) = ToyTask.Regression(16, seed: 18);
        using var model = ToyTask.Model(numLabels: 1);
        var huge = targets.Select(_ => 3e38f).ToList(); // finite targets whose squared error overflows float32
        var weights = ToyTask.Weights(model);
        try
        {
            var e = Assert.ThrowsExactly<InvalidOperationException>(() => new SequenceClassificationTrainer(Options(epochs: 1)).Train(model, train, huge));
            StringAssert.Contains(e.Message, "training loss became");
            Assert.IsTrue(ToyTask.SameWeights(model, weights));
        }
        finally
        {
            ToyTask.Dispose(weights);
        }
    }
}
