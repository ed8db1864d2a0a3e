using System.Diagnostics;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Checkpoints;

/// <summary>
/// Loading a checkpoint holds one copy of the weights at a time: the model takes over the tensors read from the file
/// instead of building and initialising its own and then copying into them.
/// </summary>
[TestClass]
public sealed class CheckpointLoadMemoryTests
{
    // Weights dominated by one 128 MB embedding table, so the peak is measured in units of the weights.
    private static DebertaConfig Config() => new(DebertaVersion.V2)
    {
        VocabSize = 500_000, HiddenSize = 64, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 128,
        MaxPositionEmbeddings = 64, RelativeAttention = true, PosAttType = ["p2c", "c2p"], PositionBuckets = 8, NumLabels = 2,
    };

    [TestMethod]
    public void LoadingPeaksNearOneCopyOfTheWeights()
    {
        PeakResidentMemory.RequireLinux();
        using var dir = new TemporaryDirectory();
        using var original = new DebertaForSequenceClassification(Config(), seed: 3);
        long weightBytes = original.ParameterCount() * sizeof(float);
        original.SavePretrained(dir.Path);

        long baseline = PeakResidentMemory.Reset();
        var clock = Stopwatch.StartNew();
        using var loaded = DebertaCheckpoint.Load<DebertaForSequenceClassification>(dir.Path);
        clock.Stop();
        double peak = (PeakResidentMemory.Peak() - baseline) / (double)weightBytes;
        Console.WriteLine($"weights {weightBytes >> 20} MiB; loading peaked at {peak:F2} x the weights above the baseline, in {clock.ElapsedMilliseconds} ms");

        var expected = original.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in loaded.named_parameters())
        {
            Assert.IsTrue(parameter.Identical(expected[name]), $"{name} is not the saved weight");
            Assert.IsTrue(parameter.requires_grad, $"{name} stays trainable");
        }
        Assert.IsTrue(peak < 1.4, $"loading held {peak:F2} x the weights at its peak; one copy (plus small tensors) is enough");
    }
}
