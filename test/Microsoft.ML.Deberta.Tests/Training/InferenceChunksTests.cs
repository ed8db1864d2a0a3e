using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>Where length-sorted examples are cut into forward passes: every row once, in order, never more than the batch size per pass.</summary>
[TestClass]
public sealed class InferenceChunksTests
{
    // The shapes the plan is meant for: the web sample's small classifier and a base-size model.
    private static readonly DebertaConfig Small = new(DebertaVersion.V1) { HiddenSize = 128, NumHiddenLayers = 4, NumAttentionHeads = 4, IntermediateSize = 512 };
    private static readonly DebertaConfig Base = new(DebertaVersion.V2) { HiddenSize = 768, NumHiddenLayers = 12, NumAttentionHeads = 12, IntermediateSize = 3072 };

    private static void AssertCovers(List<(int Start, int Count)> passes, int rows, int batchSize)
    {
        int next = 0;
        foreach (var (start, count) in passes)
        {
            Assert.AreEqual(next, start, "passes are consecutive");
            Assert.IsTrue(count >= 1 && count <= batchSize, $"a pass of {count} rows (batch size {batchSize})");
            next += count;
        }
        Assert.AreEqual(rows, next, "every row is in a pass");
    }

    [TestMethod]
    public void EqualLengthsFillWholeBatches()
    {
        var passes = InferenceChunks.Plan(Enumerable.Repeat(20, 70).ToArray(), 32, Small);
        AssertCovers(passes, 70, 32);
        // Three passes are the fewest; which one is short does not change the cost.
        CollectionAssert.AreEquivalent(new[] { 32, 32, 6 }, passes.Select(p => p.Count).ToArray());
    }

    [TestMethod]
    public void ALongOutlierGetsItsOwnPass()
    {
        // 31 short reviews and one long text: one pass would pad all 32 rows to 400 tokens.
        var lengths = Enumerable.Repeat(12, 31).Append(400).ToArray();
        var passes = InferenceChunks.Plan(lengths, 32, Small);
        AssertCovers(passes, 32, 32);
        CollectionAssert.AreEqual(new[] { 31, 1 }, passes.Select(p => p.Count).ToArray());
    }

    [TestMethod]
    public void ASmallModelKeepsNearbyLengthsTogether()
    {
        // A small model's pass costs mostly its fixed overhead: lengths 10…17 are not worth a second pass.
        var lengths = Enumerable.Range(0, 32).Select(i => 10 + i / 4).ToArray();
        var passes = InferenceChunks.Plan(lengths, 32, Small);
        Assert.HasCount(1, passes);
    }

    [TestMethod]
    public void ABaseModelCutsWhereLengthsJump()
    {
        // A base model's tokens are expensive: 16 rows of 10 tokens are not padded to 128.
        var lengths = Enumerable.Repeat(10, 16).Concat(Enumerable.Repeat(128, 16)).ToArray();
        var passes = InferenceChunks.Plan(lengths, 32, Base);
        AssertCovers(passes, 32, 32);
        CollectionAssert.AreEqual(new[] { 16, 16 }, passes.Select(p => p.Count).ToArray());
    }

    [TestMethod]
    public void FixedPassesFollowTheBatchSize()
    {
        CollectionAssert.AreEqual(new[] { (0, 4), (4, 4), (8, 2) }, InferenceChunks.Fixed(10, 4));
        Assert.IsEmpty(InferenceChunks.Fixed(0, 4));
        Assert.IsEmpty(InferenceChunks.Plan([], 4, Small));
    }
}
