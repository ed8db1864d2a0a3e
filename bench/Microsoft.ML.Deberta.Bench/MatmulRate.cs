using System.Diagnostics;
using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Bench;

/// <summary>
/// The roofline of this CPU for the model's products: the GFLOP/s of one base-sized feed-forward product
/// (1024 tokens × 768 → 3072, <c>nn.functional.linear</c>) in float32 and in bfloat16, and from it the most sequences/s
/// a forward pass could reach if it did nothing but such products.
/// </summary>
internal static class MatmulRate
{
    private const int Tokens = 1024, In = 768, Out = 3072;

    /// <summary>
    /// Prints <c>matmul &lt;dtype&gt;</c> lines, the medians of <paramref name="rounds"/> alternating rounds of
    /// <paramref name="seconds"/> each (so load drift hits both); returns the bfloat16 rate in GFLOP/s.
    /// </summary>
    public static double Measure(double seconds, int rounds)
    {
        var fp32 = new List<double>();
        var bf16 = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            fp32.Add(Rate(ScalarType.Float32, seconds));
            bf16.Add(Rate(ScalarType.BFloat16, seconds));
        }
        double fp32Median = Median(fp32), bf16Median = Median(bf16);
        Console.WriteLine($"matmul fp32 {Tokens}x{In}x{Out}: {fp32Median:F0} GFLOP/s (median of {rounds})");
        Console.WriteLine($"matmul bf16 {Tokens}x{In}x{Out}: {bf16Median:F0} GFLOP/s (median of {rounds}; {bf16Median / fp32Median:F2}x fp32)");
        return bf16Median;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>
    /// Multiply-add FLOPs of one sequence's forward pass at length <paramref name="seq"/> in a batch of
    /// <paramref name="batch"/>: the projections, the content and relative attention products, and the relative-position
    /// projections (computed once per batch). Softmax, LayerNorm and the like are left out (a few percent).
    /// </summary>
    public static double ForwardFlops(DebertaConfig config, int seq, int batch)
    {
        double d = config.HiddenSize, inner = config.IntermediateSize, length = seq;
        int span = config.PositionBuckets is int buckets && buckets > 0 ? buckets : (config.MaxRelativePositions > 0 ? config.MaxRelativePositions : config.MaxPositionEmbeddings);
        double rows = Math.Min(2.0 * length, 2.0 * span);
        double projections = 2 * length * (4 * d * d + 2 * d * inner);
        double attention = 2 * 2 * length * length * d;
        double relative = config.RelativeAttention ? 2 * 2 * length * rows * d + 2 * 2 * rows * d * d / batch : 0;
        return config.NumHiddenLayers * (projections + attention + relative);
    }

    private static double Rate(ScalarType dtype, double seconds)
    {
        using var scope = NewDisposeScope();
        var x = randn(Tokens, In).to_type(dtype);
        var w = randn(Out, In).to_type(dtype);
        using (no_grad())
        {
            nn.functional.linear(x, w).Dispose();   // warm-up: kernel choice, weight packing
            int runs = 0;
            var clock = Stopwatch.StartNew();
            do { nn.functional.linear(x, w).Dispose(); runs++; } while (clock.Elapsed.TotalSeconds < seconds);
            return runs * 2.0 * Tokens * In * Out / clock.Elapsed.TotalSeconds / 1e9;
        }
    }
}
