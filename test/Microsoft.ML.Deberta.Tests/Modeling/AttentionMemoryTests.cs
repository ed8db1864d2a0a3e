using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>
/// Disentangled attention keeps only a few (B, H, L, L) tensors alive at once: the scores, the relative term being
/// added, and the probabilities, not every intermediate (products, gathers, scaled terms, sums, masked scores) until
/// the layer ends. Measured as the peak resident memory of a forward pass in units of one (B, H, L, L) float tensor.
/// </summary>
[TestClass]
public sealed class AttentionMemoryTests
{
    private const int Batch = 4, Length = 512, Heads = 12;

    // A sliced pass runs one row at a time: at 1024 tokens a row's score tensor is 48 MiB, as the whole batch's is at 512.
    private const int SlicedLength = 1024;

    // Narrow heads keep the projections negligible: what remains is the (B, H, L, L) work of the attention, 48 MiB a tensor,
    // above glibc's largest mmap threshold (32 MiB), so every such tensor is returned to the system when freed; smaller
    // ones may stay in the heap after they are freed and blur the peak.
    private static DebertaConfig Config(bool v2, int length) => v2
        ? new(DebertaVersion.V2)
        {
            VocabSize = 10, HiddenSize = 8 * Heads, NumHiddenLayers = 1, NumAttentionHeads = Heads, IntermediateSize = 16,
            MaxPositionEmbeddings = length, RelativeAttention = true, PosAttType = ["p2c", "c2p"], PositionBuckets = 256,
            PositionBiasedInput = false, NormRelEbd = "layer_norm",
        }
        : new()
        {
            VocabSize = 10, HiddenSize = 8 * Heads, NumHiddenLayers = 1, NumAttentionHeads = Heads, IntermediateSize = 16,
            MaxPositionEmbeddings = length, RelativeAttention = true, PosAttType = ["c2p", "p2c"], PositionBiasedInput = false,
        };

    // What the peak needs: the scores, the c2p term, and the p2c products and gather while they are added (the
    // products are (B, H, L, R): R = 512 = L rows for v3's 256 buckets, 1023 ≈ 2L for v1 at L = 512); then less than one
    // tensor of slack for everything else.
    [TestMethod]
    [DataRow(true, 4, DisplayName = "v2/v3 attention")]
    [DataRow(false, 5, DisplayName = "v1 attention")]
    public void AForwardPassPeaksAtAFewScoreSizedTensors(bool v2, int needed)
    {
        // One pass over the whole batch: what one layer pass holds, not what slicing the batch saves (see below).
        double peak = PeakInScoreTensors(v2, long.MaxValue, Length);
        Assert.IsTrue(peak < needed + 1, $"the attention held {peak:F2} (B, H, L, L) tensors at its peak; {needed} suffice");
    }

    // With the default budget a 4 × 1024 batch of 12 heads runs each layer one row at a time (2²² score elements a pass):
    // the score-sized tensors are a quarter of the whole batch's. The peak measured 0.75–1.16 (v2) and 1.16–1.71 (v1)
    // whole-batch tensors across runs — about a quarter of one pass's 4–5, plus transient copies of a row's relative
    // products (v1's are two score tensors a row at R = 2L) — so the bound is half of what one pass needs: a batch run
    // whole would hold 4.4–5.5.
    [TestMethod]
    [DataRow(true, 4, DisplayName = "v2/v3 attention, sliced")]
    [DataRow(false, 5, DisplayName = "v1 attention, sliced")]
    public void InferenceSlicesALongBatchAndPeaksAtAFewRowsWorth(bool v2, int needed)
    {
        double peak = PeakInScoreTensors(v2, scoreElementsPerPass: null, SlicedLength);
        Assert.IsTrue(peak < (needed + 1) / 2.0, $"the sliced pass held {peak:F2} whole-batch score tensors at its peak; one pass needs {needed}, slices of a quarter far less");
    }

    // The peak resident memory of a Predict over Batch × length, in whole-batch (B, H, L, L) float tensors. null: the default budget.
    private static double PeakInScoreTensors(bool v2, long? scoreElementsPerPass, int length)
    {
        PeakResidentMemory.RequireLinux();
        using var model = new DebertaModel(Config(v2, length), seed: 1);
        if (scoreElementsPerPass is long budget)
            model.ScoreElementsPerPass = budget;
        else
            Assert.AreEqual(1L << 22, model.ScoreElementsPerPass);
        using var ids = torch.ones(Batch, length, ScalarType.Int64);
        model.Predict(ids).Dispose();  // the same shapes once, so lazily created native state is in the baseline

        long baseline = PeakResidentMemory.Reset();
        model.Predict(ids).Dispose();
        double scoreBytes = (double)Batch * Heads * length * length * sizeof(float);
        double peak = (PeakResidentMemory.Peak() - baseline) / scoreBytes;
        Console.WriteLine($"{(v2 ? "v2" : "v1")}{(scoreElementsPerPass is null ? ", sliced" : "")}: the forward pass peaked at {peak:F2} x one {Batch}x{Heads}x{length}x{length} float tensor");
        return peak;
    }
}
