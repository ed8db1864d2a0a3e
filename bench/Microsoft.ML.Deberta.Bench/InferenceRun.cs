using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Onnx;

namespace Microsoft.ML.Deberta.Bench;

/// <summary>One measured configuration: a route on a model at a batch size and sequence length.</summary>
internal sealed record Measurement(string Route, string Model, int Batch, int Seq, double SequencesPerSecond);

/// <summary>
/// Inference speed, contenders interleaved: for each shape, in each round every contender runs for the same number of
/// seconds, so load drift on a shared machine hits all of them; the median over rounds is reported.
/// </summary>
internal static class InferenceRun
{
    public static List<Measurement> Measure(BenchOptions options, string modelName, string graphFolder, DebertaConfig config)
    {
        // Converted for inference as a scoring app does (it keeps the relative-position projections between passes).
        using var model = new DebertaForSequenceClassification(config, seed: 1);
        model.ConvertForInference(DebertaPrecision.Float32);
        // The plain model (same seed), which recomputes them in every pass as transformers does: the lever's measure.
        using var plainModel = options.Routes.Contains("fp32-plain") ? new DebertaForSequenceClassification(config, seed: 1) : null;
        plainModel?.eval();
        // The bf16 route converts its weights in place, so it gets its own copy of the model (same seed).
        using var bf16Model = options.Routes.Contains("bf16") ? new DebertaForSequenceClassification(config, seed: 1) : null;
        bf16Model?.ConvertForInference(DebertaPrecision.BFloat16);
        List<IContender> contenders = [.. options.Routes.Select<string, IContender>(route => route switch
        {
            "fp32" => new TorchSharpContender(route, model, oneDnn: false),
            "fp32-plain" => new TorchSharpContender(route, plainModel!, oneDnn: false),
            "fp32-onednn" => new TorchSharpContender(route, model, oneDnn: true),
            "bf16" => new TorchSharpContender(route, bf16Model!, oneDnn: false),
            "ort-export-fp32" => OnnxRuntimeContender.Exported(route, model, OnnxWeightFormat.Float32),
            "ort-int8" => OnnxRuntimeContender.Exported(route, model, OnnxWeightFormat.Int8),
            "ort-fp16" => OnnxRuntimeContender.Exported(route, model, OnnxWeightFormat.Float16),
            _ => OnnxRuntimeContender.Anchor(graphFolder),
        })];
        var results = new List<Measurement>();
        try
        {
            // Random ids as the anchor harness draws them (its vocabulary bound per shape).
            var random = new Random(42);
            int vocabTop = VocabTop(modelName);
            foreach (int batch in options.Batches)
            {
                foreach (int seq in options.Seqs)
                {
                    var ids = new long[batch * seq];
                    for (int i = 0; i < ids.Length; i++) ids[i] = random.Next(5, vocabTop);
                    foreach (var contender in contenders) contender.SetInputs(ids, batch, seq);
                    var rates = contenders.ToDictionary(c => c.Route, _ => new List<double>());
                    for (int round = 0; round < options.Rounds; round++)
                    {
                        // Each round starts with the next contender, so none always runs right after the same other.
                        foreach (var contender in contenders.Skip(round % contenders.Count).Concat(contenders.Take(round % contenders.Count)))
                        {
                            double? before = round == 0 ? PeakMemory.Reset() : null;
                            if (round == 0) contender.RunOnce(); // warm-up: allocations, graph optimisation, kernel choice
                            rates[contender.Route].Add(Rate(contender, batch, options.Seconds));
                            if (round == 0) PrintMemory(contender.Route, modelName, batch, seq, before);
                        }
                    }
                    foreach (var contender in contenders)
                    {
                        var r = rates[contender.Route];
                        results.Add(new Measurement(contender.Route, modelName, batch, seq, Median(r)));
                        Console.WriteLine($"inference {contender.Route} {modelName} b{batch} s{seq}: {Median(r):F2} sequences/s " +
                            $"(median of {r.Count} rounds: {string.Join(", ", r.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))})");
                    }
                }
            }
        }
        finally
        {
            foreach (var contender in contenders) contender.Dispose();
            DebertaComputeOptions.UseOneDnnForFloat32Products = false;
        }
        return results;
    }

    /// <summary>The top (exclusive) of the random token ids, as the anchor harness draws them.</summary>
    public static int VocabTop(string modelName) => modelName.Contains("v3", StringComparison.Ordinal) ? 128000 : 50000;

    /// <summary>Sequences per second over runs until <paramref name="seconds"/> have passed (at least one run).</summary>
    private static double Rate(IContender contender, int batch, double seconds)
    {
        int runs = 0;
        var clock = Stopwatch.StartNew();
        do { contender.RunOnce(); runs++; } while (clock.Elapsed.TotalSeconds < seconds);
        return runs * batch / clock.Elapsed.TotalSeconds;
    }

    private static void PrintMemory(string route, string modelName, int batch, int seq, double? before)
    {
        var peak = PeakMemory.PeakMb();
        Console.WriteLine(before is double b && peak is double p
            ? $"memory {route} {modelName} b{batch} s{seq}: peak {p:F0} MB (+{p - b:F0} over the resident size before)"
            : $"memory {route} {modelName} b{batch} s{seq}: not available (no /proc/self)");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
