using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>The activations of transformers' <c>ACT2FN</c> that DeBERTa configs name, computed the same way.</summary>
internal static class Activation
{
    private static readonly double SqrtTwoOverPi = Math.Sqrt(2.0 / Math.PI);

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
        var inner = (x + torch.pow(x, 3.0) * 0.044715) * SqrtTwoOverPi;
        var result = x * 0.5 * (torch.tanh(inner) + 1.0);
        return result.MoveToOuterDisposeScope();
    }
}
