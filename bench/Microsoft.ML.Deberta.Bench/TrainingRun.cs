using System.Diagnostics;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Bench;

/// <summary>Fine-tuning speed: forward with labels, backward and TorchSharp's AdamW step on random batches of 8 × 128, float32.</summary>
internal static class TrainingRun
{
    private const int Batch = 8, Seq = 128;

    public static void Measure(string modelName, DebertaConfig config, double seconds, int vocabTop)
    {
        DebertaComputeOptions.UseOneDnnForFloat32Products = false;
        using var model = new DebertaForSequenceClassification(config, seed: 1);
        model.train();
        using var optimizer = optim.AdamW(model.parameters(), lr: 2e-5, weight_decay: 0.01);
        using var ids = randint(5, vocabTop, [Batch, Seq], dtype: ScalarType.Int64);
        using var mask = ones(Batch, Seq, dtype: ScalarType.Int64);
        using var labels = randint(0, config.NumLabels, [Batch], dtype: ScalarType.Int64);
        float Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            using var output = model.Forward(ids, mask, labels: labels);
            output.Loss!.backward();
            optimizer.step();
            return output.Loss.item<float>();
        }
        Step(); // warm-up: allocations and AdamW's state
        int steps = 0;
        var clock = Stopwatch.StartNew();
        do { Step(); steps++; } while (clock.Elapsed.TotalSeconds < seconds);
        double rate = steps * Batch / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"training fp32 {modelName} b{Batch} s{Seq}: {rate:F2} samples/s ({steps} steps of forward + backward + AdamW)");
    }
}
