using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>transformers' StableDropout semantics with masks from the model's own generator.</summary>
[TestClass]
public sealed class StableDropoutTests
{
    [TestMethod]
    public void ZeroesWithProbabilityPAndScalesTheRestByOneOverOneMinusP()
    {
        using var scope = NewDisposeScope();
        using var dropout = new StableDropout(0.3);
        using var generator = new Generator(11);
        dropout.Generator = generator;
        dropout.train();
        var input = torch.full(200_000, 2f);
        var output = dropout.forward(input);

        var values = output.data<float>().ToArray();
        double dropped = values.Count(v => v == 0) / (double)values.Length;
        Assert.AreEqual(0.3, dropped, 0.005, "fraction of zeroed elements");
        float kept = 2f * (float)(1.0 / 0.7);
        Assert.IsTrue(values.All(v => v == 0 || v == kept), "kept elements are scaled by 1/(1-p)");
        Assert.AreEqual(2.0, output.mean().item<float>(), 0.02, "the expectation is unchanged");
    }

    [TestMethod]
    public void AMaskOverManyChunksKeepsItsRateAndEachElementDependsOnItsIndexAlone()
    {
        using var scope = NewDisposeScope();
        using var dropout = new StableDropout(0.25);
        dropout.train();
        Tensor Draw(long length)
        {
            using var generator = new Generator(5);
            dropout.Generator = generator;
            return dropout.forward(torch.ones(length));
        }
        // An odd length above the 2^18-element chunks the work is split into, so several threads fill it.
        var values = Draw(1_000_001).data<float>().ToArray();
        Assert.AreEqual(0.25, values.Count(v => v == 0) / (double)values.Length, 0.003, "fraction of zeroed elements");
        Assert.IsTrue(values.All(v => v == 0 || v == (float)(1.0 / 0.75)), "kept elements are scaled by 1/(1-p), the last one too");
        // A short mask from the same seed is the long mask's beginning: decisions follow the index, not the split.
        CollectionAssert.AreEqual(values[..101], Draw(101).data<float>().ToArray());
    }

    [TestMethod]
    public void MasksFollowTheGeneratorAndEvalModeIsTheIdentity()
    {
        using var scope = NewDisposeScope();
        using var dropout = new StableDropout(0.5);
        var input = torch.ones(1000);
        Tensor Draw(ulong seed)
        {
            using var generator = new Generator(seed);
            dropout.Generator = generator;
            return dropout.forward(input);
        }
        dropout.train();
        Assert.IsTrue(Draw(3).Identical(Draw(3)), "the same seed gives the same mask");
        Assert.IsFalse(Draw(3).Identical(Draw(4)), "another seed gives another mask");
        dropout.eval();
        Assert.IsTrue(Draw(3).Identical(input), "no dropout in eval mode");
    }
}
