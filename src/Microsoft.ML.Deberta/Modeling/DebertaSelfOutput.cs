using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>A residual block's output: LayerNorm(dropout(dense(x)) + residual). Keys <c>dense.*</c> and <c>LayerNorm.*</c>.</summary>
/// <remarks>Serves both <c>attention.output</c> (D → D) and the layer's <c>output</c> (intermediate → D).</remarks>
internal sealed class DebertaSelfOutput : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly Linear dense;
    private readonly nn.Module<Tensor, Tensor> LayerNorm;
    private readonly StableDropout dropout;
#pragma warning restore IDE1006

    public DebertaSelfOutput(DebertaConfig config, int inputSize)
        : base(nameof(DebertaSelfOutput))
    {
        dense = nn.Linear(inputSize, config.HiddenSize);
        LayerNorm = DebertaLayerNorm.For(config, config.HiddenSize);
        dropout = new StableDropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor residual) => Forward(hidden, residual, hidden.shape[1]);

    /// <param name="hidden">(B, L', ·) block input.</param>
    /// <param name="residual">(B, L', D) residual.</param>
    /// <param name="length">
    /// The layer's sequence length L: L' itself, or L' = 1 when the layer computes its first position alone, whose
    /// dropout then drops what the whole layer's would there (<see cref="StableDropout.ForwardFirstPositions"/>).
    /// </param>
    public Tensor Forward(Tensor hidden, Tensor residual, long length)
    {
        using var scope = NewDisposeScope();
        // In a bfloat16 model the product is widened before the sum: the residual stream and LayerNorm stay float32, and
        // the sum gets two float32 operands rather than libtorch's mixed-dtype path (a no-op in a float32 model).
        var x = dropout.ForwardFirstPositions(PointwiseConvolution.Linear(dense, hidden), length).to_type(residual.dtype);
        return LayerNorm.forward(x.Plus(residual)).MoveToOuterDisposeScope();
    }
}
