using System.Diagnostics;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Bench;

/// <summary>
/// Fine-tuning speed: forward with labels, backward and the library's AdamW step (<see cref="FusedAdamW"/>) on random batches of 8 × 128, in
/// float32 and in mixed precision (bfloat16 compute from float32 master weights, as <c>TrainingPrecision =
/// BFloat16</c> trains), interleaved on one model.
/// </summary>
internal static class TrainingRun
{
    private const int Batch = 8, Seq = 128, Rounds = 2;

    /// <summary>The measured samples/s of one precision.</summary>
    public sealed record Rate(string Model, string Precision, double SamplesPerSecond);

    /// <summary>Runs each precision for <paramref name="seconds"/> in all, in <see cref="Rounds"/> alternating turns, and prints one line each.</summary>
    public static IReadOnlyList<Rate> Measure(string modelName, DebertaConfig config, double seconds, int vocabTop)
    {
        DebertaComputeOptions.UseOneDnnForFloat32Products = false;
        using var model = new DebertaForSequenceClassification(config, seed: 1);
        model.train();
        // Masks from the model's own seeded generator, as a training run draws them (TrainingRunScope).
        using var dropoutGenerator = new Generator(1);
        model.DropoutGenerator = dropoutGenerator;
        // The optimizer the library's fine-tuning runs (AdamW through libtorch's fused kernel).
        using var optimizer = new FusedAdamW([new AdamW.ParamGroup(model.parameters(), lr: 2e-5, weight_decay: 0.01)], lr: 2e-5, beta1: 0.9, beta2: 0.999, eps: 1e-8);
        using var ids = randint(5, vocabTop, [Batch, Seq], dtype: ScalarType.Int64);
        using var mask = ones(Batch, Seq, dtype: ScalarType.Int64);
        using var labels = randint(0, config.NumLabels, [Batch], dtype: ScalarType.Int64);
        // The switch TrainingPrecision sets for a training run (internal; the weights stay float32 either way).
        void Step(DebertaPrecision precision)
        {
            using var scope = NewDisposeScope();
            model.Backbone.AutocastPrecision = precision;
            optimizer.zero_grad();
            using var output = model.Forward(ids, mask, labels: labels);
            output.Loss!.backward();
            optimizer.step();
        }

        (string Name, DebertaPrecision Precision)[] contenders = [("fp32", DebertaPrecision.Float32), ("bf16", DebertaPrecision.BFloat16)];
        var steps = new int[contenders.Length];
        var elapsed = new TimeSpan[contenders.Length];
        foreach (var (_, precision) in contenders)
            Step(precision); // warm-up: allocations and AdamW's state
        for (int round = 0; round < Rounds; round++)
        {
            for (int c = 0; c < contenders.Length; c++)
            {
                var clock = Stopwatch.StartNew();
                do { Step(contenders[c].Precision); steps[c]++; } while (clock.Elapsed.TotalSeconds < seconds / Rounds);
                elapsed[c] += clock.Elapsed;
            }
        }
        model.Backbone.AutocastPrecision = DebertaPrecision.Float32;

        var rates = new List<Rate>();
        for (int c = 0; c < contenders.Length; c++)
        {
            double rate = steps[c] * Batch / elapsed[c].TotalSeconds;
            string how = contenders[c].Precision == DebertaPrecision.Float32 ? "" : "; bf16 compute, fp32 master weights";
            Console.WriteLine($"training {contenders[c].Name} {modelName} b{Batch} s{Seq}: {rate:F2} samples/s ({steps[c]} steps of forward + backward + AdamW{how})");
            rates.Add(new Rate(modelName, contenders[c].Name, rate));
        }
        return rates;
    }

    /// <summary>
    /// One line per model: bf16's samples/s over fp32's in the same run; and, where the run measured ONNX Runtime's
    /// float32 inference at the same 8 × 128 (<paramref name="ortSequencesPerSecond"/>, by model), each precision's
    /// samples/s over it — the yardstick (PyTorch eager trained at 0.24× of it).
    /// </summary>
    public static void PrintRatios(IEnumerable<Rate> rates, IReadOnlyDictionary<string, double> ortSequencesPerSecond)
    {
        foreach (var group in rates.GroupBy(r => r.Model))
        {
            var fp32 = group.Single(r => r.Precision == "fp32");
            foreach (var other in group.Where(r => r != fp32))
                Console.WriteLine($"ratio train-{other.Precision} / train-fp32 {group.Key} b{Batch} s{Seq}: {other.SamplesPerSecond / fp32.SamplesPerSecond:F2}");
            if (ortSequencesPerSecond.TryGetValue(group.Key, out double ort))
            {
                foreach (var rate in group)
                    Console.WriteLine($"ratio train-{rate.Precision} / ort-fp32 {group.Key} b{Batch} s{Seq}: {rate.SamplesPerSecond / ort:F2}");
            }
        }
    }

    /// <summary>ONNX Runtime's float32 inference rate at the training shape, by model, from the run's measurements.</summary>
    public static Dictionary<string, double> OrtRatesAtTrainingShape(IEnumerable<Measurement> measurements) =>
        measurements.Where(m => m.Route == "ort-fp32" && m.Batch == Batch && m.Seq == Seq)
            .ToDictionary(m => m.Model, m => m.SequencesPerSecond);
}
