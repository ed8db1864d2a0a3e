using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>Self-attention followed by its residual output block. Keys <c>self.*</c> and <c>output.*</c>.</summary>
internal sealed class DebertaAttention : nn.Module
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly DisentangledSelfAttention self;
    private readonly DebertaSelfOutput output;
#pragma warning restore IDE1006

    public DebertaAttention(DebertaConfig config)
        : base(nameof(DebertaAttention))
    {
        self = config.Version == DebertaVersion.V1
            ? new DisentangledSelfAttentionV1(config)
            : new DisentangledSelfAttentionV2(config);
        output = new DebertaSelfOutput(config, config.HiddenSize);
        RegisterComponents();
    }

    /// <param name="hidden">(B, L, D) layer input, or the (N, D) tokens of a packed batch.</param>
    /// <param name="blocked">(B, 1, L, L) bool, true where query i may not attend to key j.</param>
    /// <param name="relative">The relative-position rows, or null without relative attention.</param>
    /// <param name="outputAttentions">Whether to return the attention probabilities.</param>
    /// <param name="firstTokenOnly">Whether only the first position's output is needed (see <see cref="DebertaEncoder.Forward"/>): (B, 1, D) then.</param>
    /// <param name="packing">Where a packed batch's tokens are (see <see cref="TokenPacking"/>): the output is (N, D) then.</param>
    public (Tensor Output, Tensor? Probabilities) Forward(
        Tensor hidden, Tensor blocked, RelativeEmbeddingRows? relative, bool outputAttentions, bool firstTokenOnly,
        TokenPacking? packing = null)
    {
        using var scope = NewDisposeScope();
        var (context, probs) = self.Forward(hidden, blocked, relative, outputAttentions, packing);
        Tensor result;
        if (firstTokenOnly)
        {
            // Every key still reaches the first query through the attention above; what follows is per position.
            var first = packing is null ? hidden.narrow(1, 0, 1) : packing.FirstTokens(hidden);
            result = output.ForwardFirstPositions(context.narrow(1, 0, 1), first, context.shape[1]);
        }
        else
        {
            result = output.forward(packing is null ? context : packing.Gather(context), hidden);
        }
        result.MoveToOuterDisposeScope();
        return (result, probs?.MoveToOuterDisposeScope());
    }
}
