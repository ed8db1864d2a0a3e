using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tests.Checkpoints;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// Fine-tuning through ML.NET starts from a checkpoint the way <see cref="DebertaCheckpoint.Load{TModel}(string, CheckpointLoadOptions?)"/>
/// loads it: one copy of the weights at a time, not a seeded model plus the state dict copied into it.
/// </summary>
[TestClass]
public sealed class FitStartMemoryTests
{
    // Weights dominated by one 128 MB embedding table, so the peak is measured in units of the weights.
    private static DebertaConfig Config() => new(DebertaVersion.V1)
    {
        VocabSize = 500_000, HiddenSize = 64, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 128,
        MaxPositionEmbeddings = 64, RelativeAttention = true, PosAttType = ["p2c", "c2p"], MaxRelativePositions = 16,
    };

    [TestMethod]
    public void FitStartsWithOneCopyOfTheCheckpointWeights()
    {
        PeakResidentMemory.RequireLinux();
        using var dir = new TemporaryDirectory();
        long weightBytes;
        using (var backbone = new DebertaModel(Config(), seed: 3))
        {
            weightBytes = backbone.ParameterCount() * sizeof(float);
            backbone.SavePretrained(dir.Path);
        }
        foreach (var file in new[] { "vocab.json", "merges.txt" })
            File.Copy(Path.Combine(DebertaTestData.V1TokenizerFolder, file), Path.Combine(dir.Path, file));

        // A first Fit warms up what every Fit needs once per process (ML.NET's and the trainer's code, the tokenizer's
        // tables), so the second one measures what starting from the checkpoint costs.
        FitUntilLoaded(dir.Path);
        long baseline = PeakResidentMemory.Reset();
        bool loaded = FitUntilLoaded(dir.Path);
        double peak = (PeakResidentMemory.Peak() - baseline) / (double)weightBytes;
        Console.WriteLine($"weights {weightBytes >> 20} MiB; Fit start peaked at {peak:F2} x the weights above the baseline");

        Assert.IsTrue(loaded, "the trainer loaded the checkpoint and logged its new head before training");
        Assert.IsTrue(peak < 1.4, $"Fit start held {peak:F2} x the weights at its peak; one copy (plus small tensors) is enough");
    }

    // Fits a classifier from the folder and cancels it once the model holds the checkpoint's weights: the trainer logs
    // the new head's keys then, before any training step (whose gradients and optimizer state would dwarf the load).
    private static bool FitUntilLoaded(string folder)
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(TestRows.View(mlContext, 6)).Transform(TestRows.View(mlContext, 6));
        using var cancel = new CancellationTokenSource();
        bool loaded = false;
        mlContext.Log += (_, e) =>
        {
            if (e.RawMessage.Contains("New weights (from the seed)", StringComparison.Ordinal))
            {
                loaded = true;
                cancel.Cancel();
            }
        };
        var options = new TextClassificationOptions { ModelFolder = folder, MaxLength = 16, Epochs = 1, Seed = 1, CancellationToken = cancel.Token };
        Assert.Throws<OperationCanceledException>(() => mlContext.Transforms.Deberta.TextClassification(options).Fit(data));
        return loaded;
    }
}
