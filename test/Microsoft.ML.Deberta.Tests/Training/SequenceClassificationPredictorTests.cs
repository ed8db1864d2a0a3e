using System.Diagnostics;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>Batched scoring of encoded examples: same logits as one example at a time, window averaging, order, mode.</summary>
[TestClass]
public sealed class SequenceClassificationPredictorTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>The model's own Predict on one unpadded example.</summary>
    private static float[] PredictOne(DebertaForSequenceClassification model, EncodedExample example)
    {
        using var scope = NewDisposeScope();
        var ids = torch.tensor(example.InputIds.Select(i => (long)i).ToArray(), 1, example.InputIds.Length);
        var types = torch.tensor(example.TokenTypeIds.Select(i => (long)i).ToArray(), 1, example.InputIds.Length);
        using var output = model.Predict(ids, tokenTypeIds: types);
        return output.Logits.data<float>().ToArray();
    }

    [TestMethod]
    public void BatchedLogitsEqualOneExampleAtATime()
    {
        var random = new Random(21);
        var examples = Enumerable.Range(0, 23).Select(i => ToyTask.Sequence(random, 5 + i % 3, i, maxTokens: 1 + i * 2)).ToList();
        using var model = ToyTask.Model(numLabels: 3);
        model.train();
        var batched = SequenceClassificationPredictor.PredictLogits(model, examples, examples.Count, batchSize: 5);
        Assert.IsTrue(model.training, "the previous mode comes back");
        Assert.HasCount(23, batched);
        double worst = 0;
        for (int i = 0; i < examples.Count; i++)
        {
            var single = PredictOne(model, examples[i]);
            Assert.HasCount(3, batched[i]);
            for (int c = 0; c < 3; c++) worst = Math.Max(worst, Math.Abs(batched[i][c] - single[c]));
        }
        TestContext.WriteLine($"max |batched − single| {worst:E2}");
        Assert.IsLessThan(1e-5, worst);
    }

    [TestMethod]
    public void WindowsOfARowAreAveraged()
    {
        var random = new Random(22);
        // Row 1 has three windows, rows 0 and 2 one each; the windows are not adjacent in the list.
        var examples = new List<EncodedExample>
        {
            ToyTask.Sequence(random, 5, 1, 6), ToyTask.Sequence(random, 5, 0, 9), ToyTask.Sequence(random, 6, 1, 3),
            ToyTask.Sequence(random, 6, 2, 12), ToyTask.Sequence(random, 7, 1, 10),
        };
        using var model = ToyTask.Model(numLabels: 3);
        model.eval();
        var logits = SequenceClassificationPredictor.PredictLogits(model, examples, 3, batchSize: 2);
        Assert.IsFalse(model.training);
        var singles = examples.Select(e => PredictOne(model, e)).ToList();
        for (int c = 0; c < 3; c++)
        {
            Assert.AreEqual(singles[1][c], logits[0][c], 1e-5);
            Assert.AreEqual((singles[0][c] + singles[2][c] + singles[4][c]) / 3, logits[1][c], 1e-5);
            Assert.AreEqual(singles[3][c], logits[2][c], 1e-5);
        }
    }

    [TestMethod]
    public void SortingByLengthKeepsResultsAndSavesPadding()
    {
        // Mixed lengths: mostly short rows with some long ones, as real text is.
        var random = new Random(23);
        var examples = Enumerable.Range(0, 192).Select(i => ToyTask.Sequence(random, 5 + i % 2, i, maxTokens: i % 6 == 0 ? 120 : 12)).ToList();
        using var model = ToyTask.Model(numLabels: 2);
        model.eval();
        SequenceClassificationPredictor.PredictLogits(model, examples.Take(16).ToList(), 16, 16); // warm-up

        static (float[][] Logits, double Seconds) Time(Func<float[][]> run)
        {
            var best = double.MaxValue;
            float[][] result = [];
            for (int round = 0; round < 3; round++)
            {
                var clock = Stopwatch.StartNew();
                result = run();
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
            return (result, best);
        }
        var sorted = Time(() => SequenceClassificationPredictor.PredictLogits(model, examples, examples.Count, 16, sortByLength: true));
        var unsorted = Time(() => SequenceClassificationPredictor.PredictLogits(model, examples, examples.Count, 16, sortByLength: false));
        TestContext.WriteLine($"192 examples (lengths 4…122), batch 16: length-sorted {sorted.Seconds * 1000:F0} ms, input order {unsorted.Seconds * 1000:F0} ms, speed-up ×{unsorted.Seconds / sorted.Seconds:F2}");
        for (int i = 0; i < examples.Count; i++)
            for (int c = 0; c < 2; c++)
                Assert.AreEqual(unsorted.Logits[i][c], sorted.Logits[i][c], 1e-5, $"row {i}");
    }

    [TestMethod]
    public void BadInputIsRejected()
    {
        var random = new Random(24);
        var examples = new List<EncodedExample> { ToyTask.Sequence(random, 5, 0, 4), ToyTask.Sequence(random, 5, 2, 4) };
        using var model = ToyTask.Model();
        var e = Assert.Throws<ArgumentException>(() => SequenceClassificationPredictor.PredictLogits(model, examples, 3, 4));
        StringAssert.Contains(e.Message, "row 1");
        StringAssert.Contains(e.Message, "no example");
        e = Assert.Throws<ArgumentException>(() => SequenceClassificationPredictor.PredictLogits(model, examples, 2, 4));
        StringAssert.Contains(e.Message, "source row 2");
        Assert.Throws<ArgumentOutOfRangeException>(() => SequenceClassificationPredictor.PredictLogits(model, examples, 3, 0));
        e = Assert.Throws<ArgumentException>(() => SequenceClassificationPredictor.PredictLogits(model, [new EncodedExample([], [], 0)], 1, 4));
        StringAssert.Contains(e.Message, "no tokens");
        Assert.IsEmpty(SequenceClassificationPredictor.PredictLogits(model, [], 0, 4));

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsExactly<OperationCanceledException>(() => SequenceClassificationPredictor.PredictLogits(model, examples.Take(1).ToList(), 1, 4, cancelled.Token));
    }
}
