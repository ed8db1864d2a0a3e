using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>The activations of transformers' <c>ACT2FN</c> that DeBERTa configs name, computed the same way.</summary>
internal static class Activation
{
    // Held for the process's life (see TorchScalars).
    private static readonly Scalar SqrtTwoOverPi = Math.Sqrt(2.0 / Math.PI).ToScalar();
    private static readonly Scalar Three = 3.0.ToScalar();
    private static readonly Scalar Cubic = 0.044715.ToScalar();
    private static readonly Scalar Half = 0.5.ToScalar();
    private static readonly Scalar OneDouble = 1.0.ToScalar();

    public static Tensor Apply(ActivationFunction function, Tensor x) => function switch
    {
        // torch's gelu with approximate="none": the exact erf form.
        ActivationFunction.Gelu => nn.functional.gelu(x),
        // transformers' NewGELUActivation spells the tanh formula out; mirror it op for op.
        ActivationFunction.GeluNew => GeluNew(x),
        ActivationFunction.Relu => nn.functional.relu(x),
        ActivationFunction.Tanh => torch.tanh(x),
        _ => throw new ArgumentOutOfRangeException(nameof(function), function, "Unknown activation."),
    };

    private static Tensor GeluNew(Tensor x)
    {
        using var scope = NewDisposeScope();
        var inner = x.Plus(torch.pow(x, Three).mul(Cubic)).mul(SqrtTwoOverPi);
        var result = x.mul(Half).mul(torch.tanh(inner).add(OneDouble, TorchScalars.One));
        return result.MoveToOuterDisposeScope();
    }
}
