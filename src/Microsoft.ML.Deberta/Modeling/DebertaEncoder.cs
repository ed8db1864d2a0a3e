using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// The layer stack with its shared relative-position table (<c>rel_embeddings</c>); for v2/v3 also the optional
/// LayerNorm of that table (<c>norm_rel_ebd</c>) and the optional convolution after layer 0.
/// </summary>
internal sealed class DebertaEncoder : nn.Module
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly ModuleList<DebertaLayer> layer;
    private readonly Embedding? rel_embeddings;
    private readonly LayerNorm? LayerNorm;
    private readonly ConvLayer? conv;
#pragma warning restore IDE1006

    /// <summary>
    /// The most attention-score elements (rows × heads × L × L) one layer pass holds in inference; a larger batch runs
    /// each layer over slices of its rows. Scores, relative terms and probabilities are each that size, and a pass
    /// whose score tensors outgrow the caches spends its attention waiting on memory: on 2 Zen 4 cores, deberta-base in
    /// bfloat16 ran 8 × 512 at 1.3 sequences/s in one pass and 2.5 in passes of one or two rows, 8 × 256 ×1.16 in passes
    /// of four rows, 32 × 128 ×1.11 in passes of 8–16 rows, while passes of one or two rows at 128 tokens lost 5–20%.
    /// 2²² elements (16 MiB in float32) gives 21 rows a pass at 128 tokens, 5 at 256 and 1 at 512 (12 heads).
    /// </summary>
    internal const long DefaultScoreElementsPerPass = 1L << 22;

    /// <summary>See <see cref="DefaultScoreElementsPerPass"/>; tests lower it to slice small batches, or raise it to keep one pass.</summary>
    internal long ScoreElementsPerPass { get; set; } = DefaultScoreElementsPerPass;

    /// <summary>Whether inference may run on the tokens alone (see <see cref="TokenPacking"/>); tests turn it off to compare with the padded pass.</summary>
    internal bool PacksTokens { get; set; } = true;

    /// <summary>
    /// Whether an inference pass of <paramref name="rows"/> × <paramref name="length"/> whose caller reads no padded
    /// position (the first positions alone, or the tokens' rows) runs its per-token work on the tokens alone (when its
    /// mask is right-padded). Not with v2's convolution, which reads the padding's rows, nor when the pass runs in slices
    /// (see <see cref="ScoreElementsPerPass"/>), whose rows the packing does not follow.
    /// </summary>
    internal bool PacksPass(long rows, long length) =>
        PacksTokens && conv is null && layer.Count > 0 && RowsPerPass(rows, length) >= rows;

    // Inference rows per layer pass (see ScoreElementsPerPass).
    private long RowsPerPass(long rows, long length) =>
        Math.Clamp(ScoreElementsPerPass / Math.Max(1, heads * length * length), 1, rows);

    private readonly int heads;
    private readonly DebertaVersion version;
    private readonly int positionBuckets;
    private readonly int maxRelativePositions;

    public DebertaEncoder(DebertaConfig config)
        : base(nameof(DebertaEncoder))
    {
        version = config.Version;
        heads = config.NumAttentionHeads;
        layer = new ModuleList<DebertaLayer>(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new DebertaLayer(config)).ToArray());
        maxRelativePositions = config.EffectiveMaxRelativePositions;
        positionBuckets = version == DebertaVersion.V2 ? config.PositionBuckets ?? -1 : -1;
        if (config.RelativeAttention)
        {
            int rows = positionBuckets > 0 ? positionBuckets * 2 : maxRelativePositions * 2;
            rel_embeddings = nn.Embedding(rows, config.HiddenSize);
        }
        if (config.NormalizesRelativeEmbeddings)
            LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        if (version == DebertaVersion.V2 && config.ConvKernelSize is int kernel && kernel > 0)
            conv = new ConvLayer(config);
        RegisterComponents();
    }

    /// <summary>
    /// Rounds the weights of every layer's products to <paramref name="dtype"/>: the attention projections (with the
    /// relative-position projections) and the dense layers of the feed-forward and output blocks. LayerNorms, the
    /// relative-embedding table, v1's q/v biases (rounded where they are added) and v1's talking-head mixes (H × H, on
    /// the float32 scores and probabilities) keep float32. The modules then compute their products in that dtype (see
    /// <see cref="PointwiseConvolution.Linear(Tensor, Tensor, Tensor?)"/> and the attention's softmax).
    /// </summary>
    internal void ConvertProducts(ScalarType dtype)
    {
        foreach (var (name, module) in layer.named_modules())
        {
            bool talkingHead = name.EndsWith("head_logits_proj", StringComparison.Ordinal) || name.EndsWith("head_weights_proj", StringComparison.Ordinal);
            if (module is Linear && !talkingHead)
                module.to(dtype);
        }
    }

    /// <param name="embeddings">(B, L, D) embedding output.</param>
    /// <param name="mask">(B, L) int64 padding mask.</param>
    /// <param name="outputHiddenStates">Whether to return the N + 1 hidden states (embedding output first).</param>
    /// <param name="outputAttentions">Whether to return the N attention probability tensors.</param>
    /// <param name="firstTokenOnly">
    /// Whether the caller reads the last layer's first position alone (a sequence classifier's pooler): the last layer
    /// then runs its attention output block and feed-forward block on that position only and returns (B, 1, D). Each
    /// position's row there depends on its own attention context alone, so the row is the same (up to the summation order
    /// of a product over fewer rows); the layer's other rows, most of its work, are never computed. Not with
    /// <paramref name="outputHiddenStates"/>, which returns every row. In inference over a right-padded batch every
    /// layer's per-token work then also skips the padding (see <see cref="TokenPacking"/>, <see cref="PacksPass"/>).
    /// </param>
    /// <param name="paddingUnread">
    /// Whether the caller reads no padded position of the output (the batched predictors of token logits, span logits,
    /// embeddings and fill-mask): in inference over a right-padded batch every layer's per-token work then skips the
    /// padding as with <paramref name="firstTokenOnly"/>, and the output's padded positions are zeros.
    /// </param>
    public (Tensor Last, List<Tensor>? HiddenStates, List<Tensor>? Attentions) Forward(
        Tensor embeddings, Tensor mask, bool outputHiddenStates, bool outputAttentions, bool firstTokenOnly = false, bool paddingUnread = false)
    {
        if (firstTokenOnly && outputHiddenStates)
            throw new ArgumentException("The hidden states need every position; firstTokenOnly computes only the first in the last layer.", nameof(firstTokenOnly));
        using var scope = NewDisposeScope();
        // (B, 1, L, L): pair (i, j) is visible when both i and j are tokens.
        var extended = mask.unsqueeze(1).unsqueeze(2);
        var blocked = (extended * extended.squeeze(-2).unsqueeze(-1)).to_type(ScalarType.Bool).logical_not();

        // The relative positions, the clamped gather indices and the rows they reach depend only on the length:
        // built once here, shared by every layer.
        RelativeEmbeddingRows? relative = null;
        if (rel_embeddings is not null)
        {
            long length = embeddings.shape[1];
            Tensor relTable = rel_embeddings.weight!;
            if (LayerNorm is not null)
                relTable = LayerNorm.forward(relTable);
            relative = version == DebertaVersion.V1
                ? RelativeEmbeddingRows.ForV1(relTable, length, maxRelativePositions)
                : RelativeEmbeddingRows.ForV2(relTable, length, positionBuckets, maxRelativePositions);
        }

        // Inference only: slicing would change which dropout masks training draws.
        long batch = embeddings.shape[0], tokens = embeddings.shape[1];
        bool inference = !training && !torch.is_grad_enabled();
        long rowsPerPass = inference ? RowsPerPass(batch, tokens) : batch;

        // The padding's rows reach no output the caller reads: the per-token work runs on the tokens alone.
        var packing = inference && (firstTokenOnly || paddingUnread) && !outputAttentions && !outputHiddenStates && PacksPass(batch, tokens)
            ? TokenPacking.TryBuild(mask)
            : null;

        var hiddenStates = outputHiddenStates ? new List<Tensor> { embeddings.alias() } : null;
        var attentions = outputAttentions ? new List<Tensor>() : null;
        var hidden = packing is null ? embeddings : packing.Gather(embeddings);
        for (int i = 0; i < layer.Count; i++)
        {
            // v2's convolution after layer 0 reads every position of that layer's output.
            bool onlyFirst = firstTokenOnly && i == layer.Count - 1 && !(i == 0 && conv is not null);
            var (output, probs) = rowsPerPass < batch
                ? InSlices(layer[i], hidden, blocked, relative, outputAttentions, onlyFirst, rowsPerPass)
                : layer[i].Forward(hidden, blocked, relative, outputAttentions, onlyFirst, packing);
            if (probs is not null) attentions!.Add(probs);
            if (i == 0 && conv is not null)
                output = conv.Forward(embeddings, output, mask);
            hiddenStates?.Add(output.alias());
            hidden = output;
        }
        // The last layer's (tokens, D) rows back in the (B, L, D) layout the heads read, zeros at the padding.
        if (packing is not null && !firstTokenOnly)
            hidden = packing.Pad(hidden);

        hidden.MoveToOuterDisposeScope();
        hiddenStates?.ForEach(t => t.MoveToOuterDisposeScope());
        attentions?.ForEach(t => t.MoveToOuterDisposeScope());
        return (hidden, hiddenStates, attentions);
    }

    // One layer over consecutive slices of rowsPerPass rows (see ScoreElementsPerPass): each row's output depends on that
    // row alone, so the concatenated outputs are the whole batch's. Each slice's tensors are freed before the next.
    private static (Tensor Output, Tensor? Probabilities) InSlices(DebertaLayer layer, Tensor hidden, Tensor blocked,
        RelativeEmbeddingRows? relative, bool outputAttentions, bool firstTokenOnly, long rowsPerPass)
    {
        using var scope = NewDisposeScope();
        long batch = hidden.shape[0];
        var outputs = new List<Tensor>();
        var probabilities = outputAttentions ? new List<Tensor>() : null;
        for (long start = 0; start < batch; start += rowsPerPass)
        {
            long rows = Math.Min(rowsPerPass, batch - start);
            var (output, probs) = layer.Forward(hidden.narrow(0, start, rows), blocked.narrow(0, start, rows), relative, outputAttentions, firstTokenOnly);
            outputs.Add(output);
            if (probs is not null) probabilities!.Add(probs);
        }
        var whole = torch.cat(outputs, 0).MoveToOuterDisposeScope();
        return (whole, probabilities is null ? null : torch.cat(probabilities, 0).MoveToOuterDisposeScope());
    }
}
