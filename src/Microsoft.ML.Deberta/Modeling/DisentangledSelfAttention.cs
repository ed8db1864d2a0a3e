using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// Disentangled self-attention: content-to-content scores plus the relative-position terms (c2p, p2c).
/// v1 and v2 differ in projections and scaling order, so each has its own class; both take the same inputs.
/// </summary>
/// <remarks>
/// Score-sized (B, H, L, L) tensors dominate the memory of a layer at long lengths (at 32 × 512 × 12 heads each is
/// 384 MiB), so the relative terms are summed in place into the content scores and every intermediate is released as
/// soon as it has been used, in the order transformers adds them (the float results are the same bit for bit). In
/// training this is as safe: gathers, additions, divisions by a constant and masking do not keep their outputs for
/// the backward pass.
/// </remarks>
internal abstract class DisentangledSelfAttention : nn.Module
{
    private bool keepsProjections;
    private Tensor?[]? kept;

    protected DisentangledSelfAttention(string name)
        : base(name)
    {
    }

    /// <summary>
    /// Makes this layer keep its projections of the relative-embedding table from one inference pass to the next (for a
    /// model converted for inference), releasing what it kept before. They depend on the weights alone, yet
    /// transformers recomputes them in every pass: a quarter to a third of the work of a one-sequence pass, ONNX Runtime
    /// folds them into constants. Entering training mode releases them too (see <see cref="train"/>).
    /// </summary>
    internal void KeepProjections()
    {
        keepsProjections = true;
        ReleaseProjections();
    }

    /// <summary>Releases the kept projections (after the weights changed); the next inference pass computes them again.</summary>
    internal void ReleaseProjections()
    {
        foreach (var tensor in kept ?? [])
            tensor?.Dispose();
        kept = null;
    }

    /// <summary>Training changes the weights: entering training mode releases the kept projections, and the next inference pass computes them from the weights it finds.</summary>
    public override void train(bool train = true)
    {
        base.train(train);
        if (train)
            ReleaseProjections();
    }

    /// <summary>
    /// The projected rows of <paramref name="relative"/>.Table for each relative term, (H, R, d) or null for a term the
    /// layer lacks: <paramref name="project"/> applied to the reachable rows in this pass, or, when the layer keeps its
    /// projections and the pass is inference (eval mode, no autograd), cut from the projections of the whole table that
    /// the first such pass computed. A projected row depends on that row alone, so both give the same values.
    /// </summary>
    protected Tensor?[] ProjectedRows(RelativeEmbeddingRows relative, Func<Tensor, Tensor?[]> project)
    {
        if (!keepsProjections || training || torch.is_grad_enabled())
            return project(relative.Table);
        if (kept is null)
        {
            var whole = project(relative.WholeTable);
            foreach (var tensor in whole)
                tensor?.DetachFromDisposeScope();
            kept = whole;
        }
        long rows = relative.Table.shape[0];
        return [.. kept.Select(t => t?.narrow(1, relative.FirstRow, rows))];
    }

    /// <param name="hidden">(B, L, D) layer input, or the (N, D) tokens of a packed batch.</param>
    /// <param name="blocked">(B, 1, L, L) bool, true where query i may not attend to key j.</param>
    /// <param name="relative">The reachable rows of the relative-embedding table and where each pair reads them, or null without relative attention.</param>
    /// <param name="outputAttentions">Whether to return the attention probabilities.</param>
    /// <param name="packing">Where a packed batch's tokens are: the projections run on the tokens, then take the (B, L, ·) layout.</param>
    /// <returns>The (B, L, H·d) context and, when asked, the (B, H, L, L) probabilities.</returns>
    public abstract (Tensor Context, Tensor? Probabilities) Forward(
        Tensor hidden, Tensor blocked, RelativeEmbeddingRows? relative, bool outputAttentions, TokenPacking? packing = null);

    /// <summary>A per-token product of the layer input, in the (B, L, ·) layout attention reads.</summary>
    protected static Tensor Project(Linear layer, Tensor input, TokenPacking? packing)
    {
        var projected = PointwiseConvolution.Linear(layer, input);
        return packing is null ? projected : packing.Pad(projected);
    }

    /// <summary>The score of a masked pair: finfo(float32).min, as transformers fills it (not −∞), so padded query rows softmax to uniform.</summary>

    /// <summary>√(d · scale factor) as a float32 scalar tensor, like transformers' <c>scaled_size_sqrt</c>.</summary>
    protected static Tensor ScaledSizeSqrt(long headSize, int scaleFactor, Device device) =>
        torch.sqrt(torch.tensor((float)headSize * scaleFactor, ScalarType.Float32, device));

    /// <summary>
    /// A relative term for every (query, key) pair: <paramref name="states"/> (B, L, H·d), the queries or keys of all
    /// heads, times each head's projected table rows <paramref name="rows"/> (H, R, d), and for pair (i, j) the product
    /// with row <paramref name="index"/>[i, j]. transformers tiles the projected rows B times (<c>repeat</c>) and runs a
    /// bmm over B·H; one grouped product over the H heads gives the same dot products without the copies.
    /// </summary>
    /// <returns>(B, H, L, L).</returns>
    /// <remarks>The (B, H, L, R) products are released as soon as the gather has read them (R is up to 2·L).</remarks>
    protected static Tensor GatherRelative(Tensor states, Tensor rows, Tensor index)
    {
        long batch = states.shape[0], heads = rows.shape[0], length = index.shape[0];
        using var products = PointwiseConvolution.GroupedLinear(states, rows);
        using var perHead = products.permute(0, 2, 1, 3);
        using var expanded = index.expand(batch, heads, length, length);
        return torch.gather(perHead, -1, expanded);
    }

    /// <summary>
    /// The c2p term, (B, H, L, L) contiguous: <see cref="GatherRelative"/> at <see cref="RelativeEmbeddingRows.C2PIndex"/>,
    /// or, in inference where that index is a diagonal band (<see cref="RelativeEmbeddingRows.C2PDiagonalStart"/>), a
    /// copy of a strided view of the products instead of the gather: with the projected rows in reverse order, the row
    /// pair (i, j) reads sits at a fixed distance from the one of pair (i, 0), one place further per key, so the term is
    /// the products read with strides (row stride − 1, 1). The same dot products, without the gather (≈ 1 ms a layer at
    /// 8 × 128 in bfloat16, more than the copy).
    /// </summary>
    protected static Tensor C2PTerm(Tensor states, Tensor rows, RelativeEmbeddingRows relative)
    {
        if (relative.C2PDiagonalStart is not long start || torch.is_grad_enabled())
            return GatherRelative(states, rows, relative.C2PIndex);
        long batch = states.shape[0], heads = rows.shape[0], length = states.shape[1], count = rows.shape[1];
        using var reversed = rows.flip(1);
        // (B, L, H, R) whatever the memory layout of the grouped product; pair (i, j) reads reversed row R − 1 − start − i + j.
        using var products = PointwiseConvolution.GroupedLinear(states, reversed);
        long[] stride = products.stride();
        using var band = products.as_strided(
            [batch, heads, length, length], [stride[0], stride[2], stride[1] - stride[3], stride[3]],
            products.storage_offset() + (count - 1 - start) * stride[3]);
        return band.contiguous();
    }

    /// <summary>
    /// The p2c term in the scores' (query, key) layout: result[b, h, i, j] = <paramref name="states"/>[b, j, head h] ·
    /// <paramref name="rows"/>[h, t], t the row key j reads for query i, which is what transformers gets by gathering
    /// key-major (all queries of key j in one row) and transposing.
    /// Gathering each head's (L·R) products at <see cref="RelativeEmbeddingRows.P2CFlatIndex"/> writes it in that
    /// layout directly, so the sum into the scores reads every operand in order: with a transposed operand that sum
    /// took ten times as long in bfloat16 and four times in float32. The values are the same.
    /// </summary>
    /// <returns>(B, H, L, L), contiguous.</returns>
    protected static Tensor GatherRelativeByQuery(Tensor states, Tensor rows, Tensor flatIndex)
    {
        long batch = states.shape[0], heads = rows.shape[0], length = states.shape[1];
        using var products = PointwiseConvolution.GroupedLinear(states, rows);
        using var perHead = products.permute(0, 2, 1, 3);
        // (B, H, L·R): a view of the (H, B, L, R) products of the grouped bmm; a copy of the convolution's (B, L, H, R).
        using var flat = perHead.reshape(batch, heads, -1);
        using var expanded = flatIndex.view(1, 1, -1).expand(batch, heads, -1);
        using var gathered = torch.gather(flat, -1, expanded);
        return gathered.view(batch, heads, length, length);
    }

    /// <summary>
    /// Masks and softmaxes the (B, H, L, L) scores, then releases them: the masking happens in place, so the scores and
    /// the probabilities are the only score-sized tensors alive. Autograd allows it: neither the additions before nor
    /// the masking keep their output for the backward pass, and the softmax keeps only its own output.
    /// </summary>
    /// <param name="scores">The scores; disposed here, with every other handle given in <paramref name="alsoRelease"/>.</param>
    /// <param name="blocked">(B, 1, L, L) bool, true where query i may not attend to key j.</param>
    /// <param name="float32Probabilities">
    /// Whether the caller needs float32 probabilities (to return them); otherwise bfloat16 scores give bfloat16 ones.
    /// </param>
    /// <param name="alsoRelease">Other handles of the scores' storage (the tensor they are a view of).</param>
    /// <remarks>
    /// bfloat16 scores in inference (<see cref="DebertaPrecision.BFloat16"/>; mixed-precision training keeps its softmax
    /// in float32, as PyTorch's autocast does): libtorch's bfloat16 softmax computes in float32 and
    /// rounds each probability once, so its result equals the float32 softmax of the widened scores rounded to
    /// bfloat16, which is all the product with the values reads (<see cref="WeightedValues"/>) — at a quarter of the
    /// memory traffic of widening, softmaxing in float32 and rounding back (1.0 against 4–5 ms a layer at 8 × 128).
    /// Masked pairs then get bfloat16's own minimum: finfo(float32).min rounds to −∞ in bfloat16, which would make a
    /// fully masked (padded) row NaN instead of uniform. Returned probabilities (<paramref name="float32Probabilities"/>)
    /// take the float32 route, as transformers' are float32.
    /// </remarks>
    protected static Tensor MaskedSoftmax(Tensor scores, Tensor blocked, bool float32Probabilities, params Tensor[] alsoRelease)
    {
        if (scores.dtype == ScalarType.BFloat16 && !float32Probabilities && !torch.is_grad_enabled())
        {
            scores.masked_fill_(blocked, TorchScalars.MaskedScoreBFloat16);
        }
        else
        {
            if (scores.dtype != ScalarType.Float32)
            {
                var wide = scores.to_type(ScalarType.Float32);
                scores.Dispose();
                scores = wide;
            }
            scores.masked_fill_(blocked, TorchScalars.MaskedScore);
        }
        var probs = nn.functional.softmax(scores, -1);
        scores.Dispose();
        foreach (var handle in alsoRelease) handle.Dispose();
        return probs;
    }

    /// <summary>
    /// probs · value: float32 probabilities are rounded to the values' dtype first (bfloat16 in a model converted for
    /// bfloat16 inference; otherwise a no-op).
    /// </summary>
    protected static Tensor WeightedValues(Tensor probs, Tensor value)
    {
        using var weights = probs.to_type(value.dtype);
        return torch.matmul(weights, value);
    }
}
