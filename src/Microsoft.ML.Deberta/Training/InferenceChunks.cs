using Microsoft.ML.Deberta.Configuration;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Where a run of length-sorted examples is cut into forward passes. A pass pads every row to its longest, so one pass
/// over mixed lengths (a three-word review beside a sixty-word one) spends most of its work on padding; but every pass
/// also has a fixed cost (hundreds of small ops whose time hardly depends on the size), so cutting too finely loses
/// too. The plan minimises the modelled time of all passes — per pass, the fixed cost plus rows × longest length × the
/// cost of one token at that length — with at most the batch size rows in a pass (the caller's memory bound).
/// </summary>
internal static class InferenceChunks
{
    /// <summary>
    /// The fixed cost of one pass through one layer, as the floating-point operations that take as long. Measured with
    /// TorchSharp on 2 cores: a 4-layer, hidden-128 model costs about 3 ms per pass at any small size (≈ 60 MFLOP of
    /// its matmuls per layer), a hidden-768 layer about the same per layer. The plan only needs its order of magnitude:
    /// it decides whether a few rows' padding costs more than one more pass.
    /// </summary>
    private const double FixedFlopsPerLayer = 60e6;

    /// <summary>Consecutive passes (start, count) over <paramref name="sortedLengths"/> (ascending), each at most <paramref name="batchSize"/> rows.</summary>
    public static List<(int Start, int Count)> Plan(IReadOnlyList<int> sortedLengths, int batchSize, DebertaConfig config)
    {
        int n = sortedLengths.Count;
        double fixedCost = FixedFlopsPerLayer * config.NumHiddenLayers;
        // best[j]: the cheapest plan for the first j rows; cut[j]: where its last pass starts.
        var best = new double[n + 1];
        var cut = new int[n + 1];
        for (int j = 1; j <= n; j++)
        {
            int longest = sortedLengths[j - 1]; // sorted: the last row of a pass is its longest
            double perRow = longest * TokenFlops(config, longest);
            best[j] = double.MaxValue;
            for (int i = Math.Max(0, j - batchSize); i < j; i++)
            {
                double cost = best[i] + fixedCost + (j - i) * perRow;
                if (cost < best[j])
                {
                    best[j] = cost;
                    cut[j] = i;
                }
            }
        }
        var passes = new List<(int Start, int Count)>();
        for (int j = n; j > 0; j = cut[j])
            passes.Add((cut[j], j - cut[j]));
        passes.Reverse();
        return passes;
    }

    /// <summary>Passes of <paramref name="batchSize"/> rows in input order (the last one shorter).</summary>
    public static List<(int Start, int Count)> Fixed(int count, int batchSize) =>
        [.. Enumerable.Range(0, (count + batchSize - 1) / batchSize).Select(b => (b * batchSize, Math.Min(batchSize, count - b * batchSize)))];

    // The FLOPs of one token through all layers when the pass is `length` tokens long: the linears (query, key, value
    // and output projections: 4·h²; the feed-forward: 2·h·intermediate; two FLOPs per multiply-add), plus attention,
    // which grows with the length: scores and context (2·L·h multiply-adds) and the c2p and p2c terms against a span of
    // 2·L relative positions (2·2L·h).
    private static double TokenFlops(DebertaConfig config, int length)
    {
        double h = config.HiddenSize;
        double linears = 2 * (4 * h * h + 2 * h * config.IntermediateSize);
        double attention = 2 * (2 * length * h + 4 * length * h);
        return config.NumHiddenLayers * (linears + attention);
    }
}
