using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>The activations the golden models do not exercise (gelu_new, relu), against their definitions in double precision.</summary>
[TestClass]
public sealed class ActivationTests
{
    private static readonly double[] Points = [-6, -3.5, -1, -0.25, 0, 0.1, 0.5, 1, 2.75, 8];

    [TestMethod]
    public void GeluNewIsTransformersTanhFormula()
    {
        using var scope = NewDisposeScope();
        var x = torch.tensor(Points.Select(p => (float)p).ToArray());
        var y = Activation.Apply(ActivationFunction.GeluNew, x).data<float>().ToArray();
        for (int i = 0; i < Points.Length; i++)
        {
            double p = (float)Points[i];
            double expected = 0.5 * p * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (p + 0.044715 * p * p * p)));
            Assert.AreEqual(expected, y[i], 1e-6 * Math.Max(1, Math.Abs(expected)), $"gelu_new({p})");
        }
    }

    [TestMethod]
    public void ReluAndTanh()
    {
        using var scope = NewDisposeScope();
        var x = torch.tensor(Points.Select(p => (float)p).ToArray());
        var relu = Activation.Apply(ActivationFunction.Relu, x).data<float>().ToArray();
        var tanh = Activation.Apply(ActivationFunction.Tanh, x).data<float>().ToArray();
        for (int i = 0; i < Points.Length; i++)
        {
            Assert.AreEqual(Math.Max(0, Points[i]), relu[i], 1e-7);
            Assert.AreEqual(Math.Tanh(Points[i]), tanh[i], 1e-6);
        }
    }
}
