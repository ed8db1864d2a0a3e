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
    [DataRow(3, 5, 7)]
    [DataRow(2, 128, 32)]
    public void FirstPositionsDropWhatTheWholeTensorsMaskDropsThere(int rows, int length, int width)
    {
        // A layer computed for its first position alone must train with the whole layer's random stream. An odd width
        // and length put rows at odd element indices, the second half of a 64-bit draw.
        using var scope = NewDisposeScope();
        using var dropout = new StableDropout(0.4);
        dropout.train();
        using var wholeGenerator = new Generator(17);
        using var firstGenerator = new Generator(17);

        dropout.Generator = wholeGenerator;
        var whole = dropout.forward(torch.ones(rows, length, width)).narrow(1, 0, 1);
        dropout.Generator = firstGenerator;
        var first = dropout.ForwardFirstPositions(torch.ones(rows, 1, width), length);

        CollectionAssert.AreEqual(new long[] { rows, 1, width }, first.shape);
        CollectionAssert.AreEqual(whole.contiguous().data<float>().ToArray(), first.data<float>().ToArray());
        Assert.IsTrue(first.eq(0).any().item<bool>() && first.ne(0).any().item<bool>(), "some elements dropped, some kept");
        using var nextWhole = torch.randint(0, 1000, [1], generator: wholeGenerator);
        using var nextFirst = torch.randint(0, 1000, [1], generator: firstGenerator);
        Assert.AreEqual(nextWhole.item<long>(), nextFirst.item<long>(), "both drew the generator once");
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
