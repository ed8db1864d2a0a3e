using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>One transformer layer: attention, then the feed-forward block. Keys <c>attention.*</c>, <c>intermediate.*</c>, <c>output.*</c>.</summary>
internal sealed class DebertaLayer : nn.Module
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly DebertaAttention attention;
    private readonly DebertaIntermediate intermediate;
    private readonly DebertaSelfOutput output;
#pragma warning restore IDE1006

    public DebertaLayer(DebertaConfig config)
        : base(nameof(DebertaLayer))
    {
        attention = new DebertaAttention(config);
        intermediate = new DebertaIntermediate(config);
        output = new DebertaSelfOutput(config, config.IntermediateSize);
        RegisterComponents();
    }

    /// <param name="hidden">(B, L, D) layer input, or the (N, D) tokens of a packed batch.</param>
    /// <param name="blocked">(B, 1, L, L) bool, true where query i may not attend to key j.</param>
    /// <param name="relative">The relative-position rows, or null without relative attention.</param>
    /// <param name="outputAttentions">Whether to return the attention probabilities.</param>
    /// <param name="firstTokenOnly">Whether only the first position's output is needed: (B, 1, D) then, the feed-forward block run on that position alone.</param>
    /// <param name="packing">Where a packed batch's tokens are (see <see cref="TokenPacking"/>): the output is (N, D) then, or (B, 1, D) with <paramref name="firstTokenOnly"/>.</param>
    public (Tensor Output, Tensor? Probabilities) Forward(
        Tensor hidden, Tensor blocked, RelativeEmbeddingRows? relative, bool outputAttentions, bool firstTokenOnly = false,
        TokenPacking? packing = null)
    {
        using var scope = NewDisposeScope();
        var (attended, probs) = attention.Forward(hidden, blocked, relative, outputAttentions, firstTokenOnly, packing);
        // The first position alone drops what the whole (B, L, D) layer's dropout would drop there; L is the padded length.
        var result = firstTokenOnly
            ? output.ForwardFirstPositions(intermediate.forward(attended), attended, packing?.Length ?? hidden.shape[1])
            : output.forward(intermediate.forward(attended), attended);
        result.MoveToOuterDisposeScope();
        return (result, probs?.MoveToOuterDisposeScope());
    }
}
