using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tests.FakeModel;
using Microsoft.ML.Deberta.Tests.MLNet;

namespace Microsoft.ML.Deberta.Tests.Serving;

/// <summary><see cref="PooledPredictionEngine{TInput, TOutput}"/>: one row per forward pass, engines reused across threads.</summary>
[TestClass]
public sealed class PooledPredictionEngineTests
{
    [TestMethod]
    public async Task ThreadsSharingThePoolGetTheAnswersOfTransformOneRowPerPass()
    {
        var mlContext = new MLContext(seed: 1);
        var trainer = new FakeTextTrainer();
        var model = TestModels.ClassificationPipeline(mlContext, trainer).Fit(TestRows.View(mlContext, 30));
        var rows = TestRows.Make(40, seed: 5);
        var expected = model.Transform(mlContext.Data.LoadFromEnumerable(rows)).GetColumn<string>("PredictedLabelValue").ToArray();
        var scorer = trainer.LastScorer!;
        scorer.BatchSizes.Clear();
        scorer.CallDelay = TimeSpan.FromMilliseconds(1);

        var pool = new PooledPredictionEngine<TestRow, TextPrediction>(mlContext, model, maxRetained: 2);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => rows.Select(r => pool.Predict(r).PredictedLabelValue).ToArray())));
        foreach (var result in results)
            CollectionAssert.AreEqual(expected, result);
        CollectionAssert.AreEqual(Enumerable.Repeat(1, 4 * rows.Count).ToArray(), scorer.BatchSizes.ToArray(), "one row per forward pass");
        Assert.IsTrue(pool.CreatedCount is >= 1 and < 4 * 40, $"engines are reused ({pool.CreatedCount} created for 160 calls)");

        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Predict(rows[0]));
        Assert.IsFalse(scorer.Disposed, "the model stays the caller's");
    }
}
