using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>The sequence-classification pooler (<c>pooler.dense.*</c>): act(dense(dropout(h[:, 0]))) on the first ([CLS]) token.</summary>
internal sealed class ContextPooler : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly Linear dense;
    private readonly StableDropout dropout;
#pragma warning restore IDE1006
    private readonly ActivationFunction activation;

    public ContextPooler(DebertaConfig config)
        : base(nameof(ContextPooler))
    {
        int size = config.PoolerHiddenSize ?? config.HiddenSize;
        dense = nn.Linear(size, size);
        dropout = new StableDropout(config.PoolerDropout);
        activation = config.PoolerHiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var token = dropout.forward(hidden[TensorIndex.Colon, 0]);
        return Activation.Apply(activation, dense.forward(token)).MoveToOuterDisposeScope();
    }
}
