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

    private readonly DebertaVersion version;
    private readonly int positionBuckets;
    private readonly int maxRelativePositions;

    public DebertaEncoder(DebertaConfig config)
        : base(nameof(DebertaEncoder))
    {
        version = config.Version;
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
    /// <paramref name="outputHiddenStates"/>, which returns every row.
    /// </param>
    public (Tensor Last, List<Tensor>? HiddenStates, List<Tensor>? Attentions) Forward(
        Tensor embeddings, Tensor mask, bool outputHiddenStates, bool outputAttentions, bool firstTokenOnly = false)
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

        var hiddenStates = outputHiddenStates ? new List<Tensor> { embeddings.alias() } : null;
        var attentions = outputAttentions ? new List<Tensor>() : null;
        var hidden = embeddings;
        for (int i = 0; i < layer.Count; i++)
        {
            // v2's convolution after layer 0 reads every position of that layer's output.
            bool onlyFirst = firstTokenOnly && i == layer.Count - 1 && !(i == 0 && conv is not null);
            var (output, probs) = layer[i].Forward(hidden, blocked, relative, outputAttentions, onlyFirst);
            if (probs is not null) attentions!.Add(probs);
            if (i == 0 && conv is not null)
                output = conv.Forward(embeddings, output, mask);
            hiddenStates?.Add(output.alias());
            hidden = output;
        }

        hidden.MoveToOuterDisposeScope();
        hiddenStates?.ForEach(t => t.MoveToOuterDisposeScope());
        attentions?.ForEach(t => t.MoveToOuterDisposeScope());
        return (hidden, hiddenStates, attentions);
    }
}
