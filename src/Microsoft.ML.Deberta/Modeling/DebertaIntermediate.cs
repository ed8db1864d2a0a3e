using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>The feed-forward expansion: hidden_act(dense(x)), D → intermediate_size.</summary>
internal sealed class DebertaIntermediate : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly Linear dense;
#pragma warning restore IDE1006
    private readonly ActivationFunction activation;

    public DebertaIntermediate(DebertaConfig config)
        : base(nameof(DebertaIntermediate))
    {
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        activation = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return Activation.Apply(activation, PointwiseConvolution.Linear(dense, hidden)).MoveToOuterDisposeScope();
    }
}
