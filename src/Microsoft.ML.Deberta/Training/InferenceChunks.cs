using Microsoft.ML.Deberta.Configuration;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Where a run of length-sorted examples is cut into forward passes. A pass pads every row to its longest, so one pass
/// over mixed lengths (a three-word review beside a sixty-word one) spends most of its work on padding; but every pass
/// also has a fixed cost (hundreds of small ops, and the weights read once per pass), so cutting too finely loses too.
/// The plan minimises the modelled time of all passes — per pass, the fixed cost plus rows × longest length × the cost
/// of one token at that length — with at most the batch size rows in a pass (the caller's memory bound). A pass that
/// runs its per-token work on the tokens alone (a classifier's, or a batched predictor's that reads no padded position;
/// see <see cref="Modeling.TokenPacking"/>) pays for its padding only in attention, so the plan cuts such runs less.
/// </summary>
internal static class InferenceChunks
{
    /// <summary>
    /// The fixed cost of one pass, in tokens' worth of work. Measured with TorchSharp on 2 idle Xeon cores, fitting
    /// time = fixed + tokens × per-token cost over batches 1–32 × lengths 8–128: about 120 tokens for a 4-layer,
    /// hidden-128 model (1.1 ms per layer), about 70 for hidden-768 layers (7.9 ms per layer, mostly reading the
    /// weights). Both scale per layer, so one figure serves every size; the plan only needs its order of magnitude.
    /// </summary>
    private const double FixedTokens = 100;

    /// <summary>Consecutive passes (start, count) over <paramref name="sortedLengths"/> (ascending), each at most <paramref name="batchSize"/> rows.</summary>
    /// <param name="sortedLengths">The examples' token counts, ascending.</param>
    /// <param name="batchSize">The most rows a pass may hold.</param>
    /// <param name="config">The model's configuration (its widths set how attention's cost grows with the length).</param>
    /// <param name="packsTokens">
    /// Whether a pass of (rows, longest length) runs its per-token work on the tokens alone (<see cref="Modeling.TokenPacking"/>):
    /// then only attention pays for the padding, and a pass costs the fixed cost + its tokens + rows × longest × attention's
    /// share. Null: every pass is padded.
    /// </param>
    public static List<(int Start, int Count)> Plan(IReadOnlyList<int> sortedLengths, int batchSize, DebertaConfig config,
        Func<int, int, bool>? packsTokens = null)
    {
        int n = sortedLengths.Count;
        // tokensBefore[j]: the tokens of the first j rows.
        var tokensBefore = new double[n + 1];
        for (int j = 0; j < n; j++)
            tokensBefore[j + 1] = tokensBefore[j] + sortedLengths[j];
        // best[j]: the cheapest plan for the first j rows; cut[j]: where its last pass starts.
        var best = new double[n + 1];
        var cut = new int[n + 1];
        for (int j = 1; j <= n; j++)
        {
            int longest = sortedLengths[j - 1]; // sorted: the last row of a pass is its longest
            double attention = AttentionCost(config, longest);
            best[j] = double.MaxValue;
            for (int i = Math.Max(0, j - batchSize); i < j; i++)
            {
                int rows = j - i;
                double work = packsTokens?.Invoke(rows, longest) == true
                    ? tokensBefore[j] - tokensBefore[i] + rows * longest * attention
                    : rows * longest * (1 + attention);
                double cost = best[i] + FixedTokens + work;
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

    // Attention's cost per token at a pass length, relative to the linears' (4·h² for the attention projections,
    // 2·h·intermediate for the feed-forward), which are the unit: attention grows with the length (scores, context and
    // the c2p/p2c terms: 12·L·h FLOPs), and costs about four times its FLOPs (softmax, gathers and masks over
    // batch × heads × L × L are memory-bound). Fitted on the same measurements: from length 32 to 128 a token's cost
    // grew ×2.25 at hidden 128 and ×1.36 at hidden 768; 1 + this gives ×2.0 and ×1.23.
    private static double AttentionCost(DebertaConfig config, int length)
    {
        double h = config.HiddenSize;
        double linears = 2 * (4 * h * h + 2 * h * config.IntermediateSize);
        return 4 * 12 * length * h / linears;
    }
}
