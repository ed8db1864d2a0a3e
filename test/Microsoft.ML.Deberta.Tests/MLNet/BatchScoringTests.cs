using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary><see cref="TextScoringTransformer.Transform"/>: lazy, batched, and faithful to the input rows.</summary>
[TestClass]
public sealed class BatchScoringTests
{
    private static void AssertSoftmax(float[] logits, float[] actual, string message)
    {
        double max = logits.Max();
        var e = logits.Select(l => Math.Exp(l - max)).ToArray();
        Assert.HasCount(logits.Length, actual);
        for (int i = 0; i < logits.Length; i++)
            Assert.AreEqual(e[i] / e.Sum(), actual[i], 1e-6, message);
    }

    [TestMethod]
    public void ScoresInBatchesWithOneForwardPassEach()
    {
        var mlContext = new MLContext(seed: 1);
        var scorer = FakeTextScorer.Random(3, seed: 2);
        using var model = TestModels.Transformer(mlContext, scorer, batchSize: 4);
        var rows = TestRows.Make(10);
        var scores = model.Transform(mlContext.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Score").ToArray();
        CollectionAssert.AreEqual(new[] { 4, 4, 2 }, scorer.BatchSizes.ToArray());
        for (int i = 0; i < rows.Count; i++)
            AssertSoftmax(scorer.Score(rows[i].Text, null), scores[i], $"row {i}");
    }

    [TestMethod]
    public void TransformIsLazyAndPassThroughColumnsNeedNoModel()
    {
        var mlContext = new MLContext(seed: 1);
        var scorer = FakeTextScorer.Random(3, seed: 2);
        using var model = TestModels.Transformer(mlContext, scorer);
        var scored = model.Transform(TestRows.View(mlContext, 10));
        Assert.IsEmpty(scorer.BatchSizes, "Transform alone scores nothing");
        var numbers = scored.GetColumn<float>("Number").ToArray();
        Assert.HasCount(10, numbers);
        Assert.IsEmpty(scorer.BatchSizes, "reading input columns does not run the model");
    }

    [TestMethod]
    public void PassThroughColumnsAreCopiedRowByRowAcrossBatches()
    {
        var mlContext = new MLContext(seed: 1);
        using var model = TestModels.Transformer(mlContext, FakeTextScorer.Random(3, seed: 2), batchSize: 3);
        var input = TestRows.View(mlContext, 10);
        var scored = model.Transform(input);
        var rows = mlContext.Data.CreateEnumerable<TestRow>(scored, reuseRowObject: true).Select(r => new
        {
            r.Text, r.Label, r.Number, Vector = string.Join(",", r.Vector), Words = string.Join(" ", r.Words),
        }).ToList();
        var expected = TestRows.Make(10).Select(r => new
        {
            r.Text, r.Label, r.Number, Vector = string.Join(",", r.Vector), Words = string.Join(" ", r.Words),
        }).ToList();
        CollectionAssert.AreEqual(expected, rows);
    }

    [TestMethod]
    public void RowIdsAndPositionsFollowTheInput()
    {
        var mlContext = new MLContext(seed: 1);
        using var model = TestModels.Transformer(mlContext, FakeTextScorer.Random(3, seed: 2), batchSize: 4);
        var input = TestRows.View(mlContext, 9);
        var scored = model.Transform(input);
        var inputIds = new List<DataViewRowId>();
        using (var cursor = input.GetRowCursor([]))
        {
            var id = cursor.GetIdGetter();
            while (cursor.MoveNext())
            {
                DataViewRowId v = default;
                id(ref v);
                inputIds.Add(v);
            }
        }
        using var scoredCursor = scored.GetRowCursor([scored.Schema["Score"]]);
        var getId = scoredCursor.GetIdGetter();
        int row = 0;
        while (scoredCursor.MoveNext())
        {
            Assert.AreEqual(row, scoredCursor.Position);
            DataViewRowId v = default;
            getId(ref v);
            Assert.AreEqual(inputIds[row++], v);
        }
        Assert.AreEqual(9, row);
        Assert.IsFalse(scoredCursor.MoveNext(), "stays at the end");
    }

    [TestMethod]
    public void AddedColumnsHideSameNamedInputColumns()
    {
        var mlContext = new MLContext(seed: 1);
        using var model = TestModels.Transformer(mlContext, FakeTextScorer.Random(3, seed: 2));
        var input = mlContext.Transforms.CopyColumns("Score", "Text").Fit(TestRows.View(mlContext, 5)).Transform(TestRows.View(mlContext, 5));
        var scored = model.Transform(input);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3), scored.Schema["Score"].Type);
        Assert.IsTrue(scored.Schema.Any(c => c.Name == "Score" && c.IsHidden && c.Type is TextDataViewType));
        Assert.HasCount(5, scored.GetColumn<float[]>("Score").ToArray());
    }

    [TestMethod]
    public void EmptyTextsAreScoredAsTheyAre()
    {
        var mlContext = new MLContext(seed: 1);
        var scorer = FakeTextScorer.Random(3, seed: 2);
        using var model = TestModels.Transformer(mlContext, scorer);
        var rows = new[] { new TestRow { Text = "" }, new TestRow { Text = "   " }, new TestRow { Text = "ok" } };
        var scores = model.Transform(mlContext.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Score").ToArray();
        AssertSoftmax(scorer.Score("", null), scores[0], "empty text");
        Assert.HasCount(3, scores);
    }

    [TestMethod]
    public void ReadingAColumnAsTheWrongTypeFailsClearly()
    {
        var mlContext = new MLContext(seed: 1);
        using var model = TestModels.Transformer(mlContext, FakeTextScorer.Random(3, seed: 2));
        var scored = model.Transform(TestRows.View(mlContext, 3));
        using var cursor = scored.GetRowCursor([scored.Schema["Score"]]);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<float>(scored.Schema["Score"]));
        StringAssert.Contains(e.Message, "'Score'");
    }

    [TestMethod]
    public void CursorsOnSeveralThreadsAgree()
    {
        var mlContext = new MLContext(seed: 1);
        var scorer = FakeTextScorer.Random(3, seed: 2);
        scorer.CallDelay = TimeSpan.FromMilliseconds(2);
        using var model = TestModels.Transformer(mlContext, scorer, batchSize: 2);
        var scored = model.Transform(TestRows.View(mlContext, 20));
        string Read() => string.Join(";", scored.GetColumn<float[]>("Score").Select(s => string.Join(",", s)));
        var expected = Read();
        var results = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).Select(_ => Read()).ToArray();
        foreach (var r in results)
            Assert.AreEqual(expected, r);
    }

    [TestMethod]
    public void ModelOutputOfTheWrongSizeIsRefused()
    {
        var mlContext = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentException>(() => TestModels.Transformer(mlContext, FakeTextScorer.Random(2, seed: 2)));
        StringAssert.Contains(e.Message, "2 output(s)");
        StringAssert.Contains(e.Message, "3 (one logit per class)");
    }

    [TestMethod]
    public void DisposeFreesTheModelAndLaterUseSaysSo()
    {
        var mlContext = new MLContext(seed: 1);
        var scorer = FakeTextScorer.Random(3, seed: 2);
        var model = TestModels.Transformer(mlContext, scorer);
        var scored = model.Transform(TestRows.View(mlContext, 3));
        model.Dispose();
        Assert.IsTrue(scorer.Disposed);
        Assert.ThrowsExactly<ObjectDisposedException>(() => model.Transform(TestRows.View(mlContext, 3)));
        var e = Assert.ThrowsExactly<ObjectDisposedException>(() => scored.GetColumn<float[]>("Score").ToArray());
        StringAssert.Contains(e.Message, "OwnsTransformer = false");
    }

    [TestMethod]
    public void BinaryOutputsFromOneLogitOrTwoAgree()
    {
        var mlContext = new MLContext(seed: 1);
        var names = new OutputColumnNames();
        var two = FakeTextScorer.Random(2, seed: 3);
        var rows = TestRows.Make(6);
        var one = new FakeTextScorer([Enumerable.Range(0, HashedFeatures.Size).Select(i => 0f).ToArray()], [0f]);
        using var twoModel = TestModels.Transformer(mlContext, two, predictions: PredictionColumns.Binary(names, true, null));
        using var oneModel = TestModels.Transformer(mlContext, one, predictions: PredictionColumns.Binary(names, true, null));
        var data = mlContext.Data.LoadFromEnumerable(rows);
        var twoScores = twoModel.Transform(data).GetColumn<float>("Score").ToArray();
        for (int i = 0; i < rows.Count; i++)
        {
            var logits = two.Score(rows[i].Text, null);
            Assert.AreEqual(logits[1] - logits[0], twoScores[i], 1e-6, "log-odds of the second class");
        }
        var oneProbabilities = oneModel.Transform(data).GetColumn<float>("Probability").ToArray();
        CollectionAssert.AreEqual(Enumerable.Repeat(0.5f, rows.Count).ToArray(), oneProbabilities, "one logit of 0 is even odds");
    }
}
