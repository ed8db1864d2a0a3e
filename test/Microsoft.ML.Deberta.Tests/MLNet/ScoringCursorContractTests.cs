using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// The scoring cursor keeps ML.NET's cursor contract (Position −1 once done), never serves one batch's scores for
/// another batch's rows, and reads each input text once.
/// </summary>
[TestClass]
public sealed class ScoringCursorContractTests
{
    [TestMethod]
    public void PositionIsMinusOneOnceMoveNextReturnsFalseAsForMLNetsOwnCursors()
    {
        var mlContext = new MLContext(seed: 1);
        using var model = TestModels.Transformer(mlContext, FakeTextScorer.Random(3, seed: 2), batchSize: 4);
        var input = TestRows.View(mlContext, 10);
        using (var own = input.GetRowCursor(input.Schema))
        {
            while (own.MoveNext()) { }
            Assert.AreEqual(-1, own.Position, "ML.NET's own cursor, for reference");
        }
        var scored = model.Transform(input);
        using var cursor = scored.GetRowCursor([scored.Schema["Score"]]);
        long last = -1;
        while (cursor.MoveNext())
            last = cursor.Position;
        Assert.AreEqual(9, last);
        Assert.AreEqual(-1, cursor.Position, "after MoveNext returned false");
        Assert.IsFalse(cursor.MoveNext());
        Assert.AreEqual(-1, cursor.Position);
    }

    [TestMethod]
    public void AFailedBatchNeverServesTheEarlierBatchsScoresForNewRows()
    {
        var mlContext = new MLContext(seed: 1);
        var scorer = FakeTextScorer.Random(3, seed: 2);
        scorer.OnScoreBatch = call =>
        {
            if (call == 2)
                throw new IOException("forward pass 2 failed");
        };
        using var model = TestModels.Transformer(mlContext, scorer, batchSize: 4);
        var scored = model.Transform(TestRows.View(mlContext, 10));
        using var cursor = scored.GetRowCursor([scored.Schema["Score"]]);
        var score = cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]);
        VBuffer<float> value = default;
        for (int row = 0; row < 4; row++)
        {
            Assert.IsTrue(cursor.MoveNext());
            score(ref value);
        }
        Assert.ThrowsExactly<IOException>(() => cursor.MoveNext(), "batch 2 fails");
        var stale = Assert.ThrowsExactly<InvalidOperationException>(() => score(ref value),
            "a caller that caught the error must not read batch 1's scores as row 4's");
        StringAssert.Contains(stale.Message, "not on a row");
        var next = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.MoveNext(), "the cursor does not skip the failed rows silently");
        StringAssert.Contains(next.Message, "forward pass 2 failed");
        Assert.AreEqual(-1, cursor.Position);
    }

    [TestMethod]
    public void AScoringCursorReadsEachInputTextOnce()
    {
        var mlContext = new MLContext(seed: 1);
        using var model = TestModels.Transformer(mlContext, FakeTextScorer.Random(3, seed: 2), batchSize: 32);
        var counting = new ReadCountingView(TestRows.View(mlContext, 300), "Text");
        var scored = model.Transform(counting);
        Assert.HasCount(300, scored.GetColumn<float[]>("Score").ToArray());
        Assert.AreEqual(300, counting.Reads, "reads of Text for 300 scored rows");

        var before = counting.Reads;
        using (var cursor = scored.GetRowCursor([scored.Schema["Score"], scored.Schema["Text"]]))
        {
            var text = cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema["Text"]);
            ReadOnlyMemory<char> value = default;
            var rows = TestRows.Make(300);
            int i = 0;
            while (cursor.MoveNext())
            {
                text(ref value);
                Assert.AreEqual(rows[i++].Text, value.ToString(), "the Text column passes through");
            }
        }
        Assert.AreEqual(300, counting.Reads - before, "reading Text from the scored view too adds no upstream reads");
    }
}
