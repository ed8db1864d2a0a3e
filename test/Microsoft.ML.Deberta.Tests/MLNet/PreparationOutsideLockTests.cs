using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// A scorer prepares its rows (a DeBERTa model tokenizes them) outside the transformer's lock, so one cursor or engine
/// tokenizes while another runs the model; forward passes stay serialised.
/// </summary>
[TestClass]
public sealed class PreparationOutsideLockTests
{
    [TestMethod]
    public void RowsArePreparedOutsideTheModelLockSoOneCursorTokenizesWhileAnotherRunsTheModel()
    {
        var mlContext = new MLContext(seed: 1);
        var scorer = FakeTextScorer.Random(3, seed: 2);
        using var model = TestModels.Transformer(mlContext, scorer, batchSize: 4);
        using var inForwardPass = new ManualResetEventSlim();
        using var preparedMeanwhile = new ManualResetEventSlim();
        bool overlapped = false;
        scorer.OnScoreBatch = call =>
        {
            if (call != 1)
                return;
            inForwardPass.Set();
            overlapped = preparedMeanwhile.Wait(TimeSpan.FromSeconds(5));
        };
        scorer.OnPrepareBatch = () =>
        {
            if (inForwardPass.IsSet)
                preparedMeanwhile.Set();
        };
        var data = TestRows.View(mlContext, 4);
        var first = Task.Run(() => model.Transform(data).GetColumn<float[]>("Score").ToArray());
        Assert.IsTrue(inForwardPass.Wait(TimeSpan.FromSeconds(30)), "the first cursor reached its forward pass");
        var second = Task.Run(() => model.Transform(data).GetColumn<float[]>("Score").ToArray());
        Task.WaitAll(first, second);
        Assert.IsTrue(overlapped, "the second cursor prepared its rows while the first one held the model");
        CollectionAssert.AreEqual(first.Result.SelectMany(s => s).ToArray(), second.Result.SelectMany(s => s).ToArray());
    }
}
