using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>PredictionEngine over a pipeline holding a DeBERTa step: one row per call, thread-safe across engines.</summary>
[TestClass]
public sealed class PredictionEngineTests
{
    private sealed class Prediction
    {
        public float[] Score { get; set; } = [];

        public string PredictedLabelValue { get; set; } = "";
    }

    private static ITransformer Fit(MLContext mlContext, out FakeTextTrainer trainer)
    {
        trainer = new FakeTextTrainer();
        return TestModels.ClassificationPipeline(mlContext, trainer).Fit(TestRows.View(mlContext, 30));
    }

    [TestMethod]
    public void EngineGivesWhatTransformGivesOneRowAtATime()
    {
        var mlContext = new MLContext(seed: 1);
        var model = Fit(mlContext, out var trainer);
        var rows = TestRows.Make(7, seed: 99);
        var transformed = model.Transform(mlContext.Data.LoadFromEnumerable(rows));
        var expectedScores = transformed.GetColumn<float[]>("Score").ToArray();
        var expectedLabels = transformed.GetColumn<string>("PredictedLabelValue").ToArray();
        int before = trainer.LastScorer!.BatchSizes.Count;

        using var engine = mlContext.Model.CreatePredictionEngine<TestRow, Prediction>(model);
        for (int i = 0; i < rows.Count; i++)
        {
            var p = engine.Predict(rows[i]);
            CollectionAssert.AreEqual(expectedScores[i], p.Score, $"row {i}");
            Assert.AreEqual(expectedLabels[i], p.PredictedLabelValue);
        }
        var engineBatches = trainer.LastScorer.BatchSizes.Skip(before).ToArray();
        CollectionAssert.AreEqual(Enumerable.Repeat(1, rows.Count).ToArray(), engineBatches, "one forward pass of one row per Predict");
    }

    [TestMethod]
    public void EnginesOnSeveralThreadsGiveTheAnswersOfOne()
    {
        var mlContext = new MLContext(seed: 1);
        var model = Fit(mlContext, out var trainer);
        var rows = TestRows.Make(40, seed: 5);
        var options = new PredictionEngineOptions { OwnsTransformer = false };
        string Run(PredictionEngine<TestRow, Prediction> engine, TestRow row)
        {
            var p = engine.Predict(row);
            return string.Join(",", p.Score) + "|" + p.PredictedLabelValue;
        }
        string[] expected;
        using (var single = mlContext.Model.CreatePredictionEngine<TestRow, Prediction>(model, options))
            expected = rows.Select(r => Run(single, r)).ToArray();

        // The fake throws if two forward passes overlap; the delay makes overlap likely without the per-model lock.
        trainer.LastScorer!.CallDelay = TimeSpan.FromMilliseconds(1);
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
        {
            using var engine = mlContext.Model.CreatePredictionEngine<TestRow, Prediction>(model, options);
            return rows.Select(r => Run(engine, r)).ToArray();
        }, TaskCreationOptions.LongRunning)).ToArray();
        var results = Task.WhenAll(tasks).GetAwaiter().GetResult();
        foreach (var result in results)
            CollectionAssert.AreEqual(expected, result);
        Assert.IsFalse(trainer.LastScorer.Disposed, "engines that do not own the model leave it alive");
        ((IDisposable)model).Dispose();
        Assert.IsTrue(trainer.LastScorer.Disposed, "disposing the chain frees the model");
    }
}
