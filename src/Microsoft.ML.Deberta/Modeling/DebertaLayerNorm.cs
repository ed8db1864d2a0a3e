using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// DeBERTa v1's own LayerNorm: computed in float32 in two passes, x̂ = (x − mean) / sqrt(var + eps), cast back to the
/// input dtype, then the affine weight and bias. v2 uses <c>torch.nn.LayerNorm</c> instead (see <see cref="For"/>).
/// </summary>
/// <remarks>
/// A float32 input, the only kind the backbone's residual stream carries, goes through libtorch's fused
/// <c>layer_norm</c>: the same formula in one kernel instead of ten elementwise passes (12 % of a small model's forward
/// pass was spent here). It differs from transformers' op-by-op sequence only in float32 rounding.
/// </remarks>
internal sealed class DebertaLayerNorm : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly Parameter weight;
    private readonly Parameter bias;
#pragma warning restore IDE1006
    private readonly Scalar eps;   // held for the module's life (see TorchScalars)
    private readonly double epsValue;
    private readonly long[] normalizedShape;
    private static readonly Scalar Two = 2.ToScalar();

    public DebertaLayerNorm(long size, double eps)
        : base(nameof(DebertaLayerNorm))
    {
        weight = new Parameter(torch.ones(size));
        bias = new Parameter(torch.zeros(size));
        this.eps = eps.ToScalar();
        epsValue = eps;
        normalizedShape = [size];
        RegisterComponents();
    }

    /// <summary>The LayerNorm the given architecture uses inside the backbone: this class for v1, torch's for v2.</summary>
    public static nn.Module<Tensor, Tensor> For(DebertaConfig config, long size) =>
        config.Version == DebertaVersion.V1
            ? new DebertaLayerNorm(size, config.LayerNormEps)
            : nn.LayerNorm(size, config.LayerNormEps);

    public override Tensor forward(Tensor input)
    {
        if (input.dtype == ScalarType.Float32)
            return nn.functional.layer_norm(input, normalizedShape, weight, bias, epsValue);
        using var scope = NewDisposeScope();
        var inputType = input.dtype;
        var x = inputType == ScalarType.Float32 ? input.alias() : input.to_type(ScalarType.Float32);
        var mean = x.mean([-1], keepdim: true);
        var variance = (x - mean).pow(Two).mean([-1], keepdim: true);
        x = (x - mean) / torch.sqrt(variance.add(eps, TorchScalars.One));
        x = x.to_type(inputType);
        var y = (weight * x).Plus(bias);
        return y.MoveToOuterDisposeScope();
    }
}
