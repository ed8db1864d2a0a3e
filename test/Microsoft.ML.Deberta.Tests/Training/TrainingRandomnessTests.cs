using Microsoft.ML.Deberta.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>
/// Each training run draws its dropout masks from its own generator: runs on parallel threads repeat a sequential
/// run, and TorchSharp's process-wide generator (the user's) is neither reseeded nor drawn from.
/// </summary>
[TestClass]
public sealed class TrainingRandomnessTests
{
    private static readonly SequenceClassificationTrainingOptions Options = new()
    {
        BatchSize = 8, Epochs = 2, LearningRate = 3e-3, WarmupRatio = 0.1, Seed = 7,
    };

    private static Dictionary<string, Tensor> Fit()
    {
        var (train, targets) = ToyTask.Classification(40, seed: 5);
        using var model = ToyTask.Model(dropout: 0.2);
        new SequenceClassificationTrainer(Options).Train(model, train, targets);
        return ToyTask.Weights(model);
    }

    [TestMethod]
    public void ParallelFitsGiveTheWeightsOfASequentialFit()
    {
        var sequential = Fit();
        var parallel = new Dictionary<string, Tensor>[4];
        try
        {
            // Four runs at once, started together so that their steps interleave.
            using var start = new Barrier(parallel.Length);
            var threads = Enumerable.Range(0, parallel.Length).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                parallel[i] = Fit();
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            for (int i = 0; i < parallel.Length; i++)
            {
                var differing = sequential.Keys.Where(name => !sequential[name].Identical(parallel[i][name])).ToList();
                Assert.AreEqual(0, differing.Count, $"parallel run {i} differs from the sequential run in {string.Join(", ", differing.Take(5))}");
            }
        }
        finally
        {
            ToyTask.Dispose(sequential);
            foreach (var weights in parallel.Where(w => w is not null)) ToyTask.Dispose(weights);
        }
    }

    [TestMethod]
    public void TrainingLeavesTheGlobalGeneratorAlone()
    {
        using var scope = NewDisposeScope();
        var (train, targets) = ToyTask.Classification(40, seed: 5);
        using var model = ToyTask.Model(dropout: 0.2);  // building a model draws from it (TorchSharp's default init)
        torch.random.manual_seed(1234);
        var before = torch.get_rng_state();
        new SequenceClassificationTrainer(Options).Train(model, train, targets);
        var after = torch.get_rng_state();
        Assert.IsTrue(before.Identical(after), "the global generator was reseeded or drawn from by training");
    }
}
