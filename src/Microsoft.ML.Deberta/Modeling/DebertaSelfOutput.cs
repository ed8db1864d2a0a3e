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

    /// <param name="hidden">(B, L, ·) or (N, ·) block input: every position's, or a packed batch's tokens.</param>
    /// <param name="residual">The residual, shaped like the output.</param>
    public override Tensor forward(Tensor hidden, Tensor residual) => Compute(hidden, residual, firstPositionsOf: null);

    /// <summary>The block on the first positions alone, (B, 1, ·), of a layer whose sequence length is <paramref name="length"/>.</summary>
    /// <remarks>Its dropout drops what the whole layer's would there (<see cref="StableDropout.ForwardFirstPositions"/>).</remarks>
    public Tensor ForwardFirstPositions(Tensor hidden, Tensor residual, long length) => Compute(hidden, residual, length);

    // firstPositionsOf: the layer's sequence length when the input holds its first positions alone, else null.
    private Tensor Compute(Tensor hidden, Tensor residual, long? firstPositionsOf)
    {
        using var scope = NewDisposeScope();
        var product = PointwiseConvolution.Linear(dense, hidden);
        var dropped = firstPositionsOf is long length ? dropout.ForwardFirstPositions(product, length) : dropout.forward(product);
        // In a bfloat16 model the product is widened before the sum: the residual stream and LayerNorm stay float32, and
        // the sum gets two float32 operands rather than libtorch's mixed-dtype path (a no-op in a float32 model).
        var x = dropped.to_type(residual.dtype);
        return LayerNorm.forward(x.Plus(residual)).MoveToOuterDisposeScope();
    }
}
