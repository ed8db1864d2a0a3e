using Microsoft.ML.Deberta.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>
/// <see cref="FusedAdamW"/> against TorchSharp's own AdamW loop (PyTorch's single-tensor algorithm) on the same
/// parameters and gradients: the same updates to float rounding, in both weight-decay groups, and parameters without
/// a gradient are left alone as AdamW leaves them.
/// </summary>
[TestClass]
public sealed class FusedAdamWTests
{
    private static Parameter[] Parameters(long seed) =>
    [
        new Parameter(randn([16, 8], generator: new Generator((ulong)seed))),
        new Parameter(randn([8], generator: new Generator((ulong)seed + 1))),
        new Parameter(randn([3, 4], generator: new Generator((ulong)seed + 2))),
    ];

    private static AdamW.ParamGroup[] Groups(Parameter[] p) =>
    [
        new AdamW.ParamGroup([p[0], p[2]], lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.1),
        new AdamW.ParamGroup([p[1]], lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0),
    ];

    [TestMethod]
    public void StepsMatchTorchSharpsAdamWToFloatRounding()
    {
        using var scope = NewDisposeScope();
        var reference = Parameters(seed: 1);
        var fused = Parameters(seed: 1);
        var start = fused.Select(p => p.detach().clone()).ToArray();
        using var referenceOptimizer = new AdamW(Groups(reference), lr: 0.01);
        using var fusedOptimizer = new FusedAdamW(Groups(fused), lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8);
        var gradients = new Generator(7);
        for (int step = 0; step < 5; step++)
        {
            foreach (var (r, f) in reference.Zip(fused))
            {
                var g = randn(r.shape, generator: gradients);
                r.grad = g.clone();
                f.grad = g.clone();
            }
            referenceOptimizer.step();
            fusedOptimizer.step();
        }
        for (int i = 0; i < fused.Length; i++)
        {
            double moved = (fused[i] - start[i]).abs().max().item<float>();
            double delta = (fused[i] - reference[i]).abs().max().item<float>();
            Assert.IsGreaterThan(0.01, moved, $"parameter {i} moved (by {moved})");
            Assert.IsLessThan(1e-6, delta, $"parameter {i}: max |Δ| {delta} from TorchSharp's AdamW");
        }
    }

    [TestMethod]
    public void AParameterWithoutGradientIsLeftAlone()
    {
        using var scope = NewDisposeScope();
        var parameters = Parameters(seed: 3);
        var before = parameters.Select(p => p.detach().clone()).ToArray();
        using var optimizer = new FusedAdamW(Groups(parameters), lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8);
        parameters[0].grad = ones_like(parameters[0]);
        optimizer.step();
        Assert.IsFalse(parameters[0].allclose(before[0], rtol: 0, atol: 0), "the parameter with a gradient moved");
        Assert.IsTrue(parameters[1].allclose(before[1], rtol: 0, atol: 0), "no gradient: no update (and no weight decay)");
        Assert.IsTrue(parameters[2].allclose(before[2], rtol: 0, atol: 0), "no gradient in a decayed group: no update either");
    }
}
