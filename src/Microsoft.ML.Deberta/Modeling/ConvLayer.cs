using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// The v2 convolution after layer 0 (<c>encoder.conv.*</c>, used by deberta-v2-xlarge/xxlarge): a Conv1d over the
/// sequence of the embedding output, zeroed at padding, activated, added to layer 0's output and layer-normalised,
/// then multiplied by the padding mask.
/// </summary>
internal sealed class ConvLayer : nn.Module
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly Conv1d conv;
    private readonly LayerNorm LayerNorm;
    private readonly StableDropout dropout;
#pragma warning restore IDE1006
    private readonly ActivationFunction activation;

    public ConvLayer(DebertaConfig config)
        : base(nameof(ConvLayer))
    {
        int kernel = config.ConvKernelSize ?? 3;
        conv = nn.Conv1d(config.HiddenSize, config.HiddenSize, kernel, padding: (kernel - 1) / 2, groups: config.ConvGroups ?? 1);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = new StableDropout(config.HiddenDropoutProb);
        activation = config.ConvAct ?? ActivationFunction.Tanh;
        RegisterComponents();
    }

    /// <param name="hidden">(B, L, D) embedding output.</param>
    /// <param name="residual">(B, L, D) output of layer 0.</param>
    /// <param name="inputMask">(B, L) int64 padding mask.</param>
    public Tensor Forward(Tensor hidden, Tensor residual, Tensor inputMask)
    {
        using var scope = NewDisposeScope();
        var output = conv.forward(hidden.permute(0, 2, 1).contiguous()).permute(0, 2, 1).contiguous();
        var padding = inputMask.eq(TorchScalars.Zero);   // (1 - mask).bool() in transformers, for a 0/1 mask
        output = output.masked_fill(padding.unsqueeze(-1).expand(output.shape), TorchScalars.Zero);
        output = Activation.Apply(activation, dropout.forward(output));
        var normalized = LayerNorm.forward(residual.Plus(output));
        var result = normalized * inputMask.unsqueeze(2).to_type(normalized.dtype);
        return result.MoveToOuterDisposeScope();
    }
}
