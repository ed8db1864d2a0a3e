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

    public (Tensor Output, Tensor? Probabilities) Forward(
        Tensor hidden, Tensor blocked, RelativeEmbeddingRows? relative, bool outputAttentions)
    {
        using var scope = NewDisposeScope();
        var (context, probs) = self.Forward(hidden, blocked, relative, outputAttentions);
        var result = output.forward(context, hidden).MoveToOuterDisposeScope();
        return (result, probs?.MoveToOuterDisposeScope());
    }
}
