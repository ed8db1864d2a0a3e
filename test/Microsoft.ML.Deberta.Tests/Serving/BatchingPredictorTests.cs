using Microsoft.ML.Data;
using System.Diagnostics;
using Microsoft.ML.Deberta.Tests.FakeModel;
using Microsoft.ML.Deberta.Tests.MLNet;

namespace Microsoft.ML.Deberta.Tests.Serving;

/// <summary>
/// <see cref="BatchingPredictor{TInput, TOutput}"/>'s mechanics over the fake model (which records its batch sizes and
/// throws if two forward passes overlap): concurrent answers equal Transform's, batches flush when full or after the
/// maximum wait, a full queue refuses, a cancelled request never reaches the model, disposal drains the queue.
/// </summary>
[TestClass]
public sealed class BatchingPredictorTests
{
    private static ITransformer Fit(MLContext mlContext, out FakeTextScorer scorer)
    {
        var trainer = new FakeTextTrainer();
        var model = TestModels.ClassificationPipeline(mlContext, trainer).Fit(TestRows.View(mlContext, 30));
        scorer = trainer.LastScorer!;
        return model;
    }

    // A fitted model whose next forward pass blocks until released, so that tests can fill the queue behind it.
    private sealed class BlockedModel : IDisposable
    {
        private readonly ManualResetEventSlim _entered = new();
        private readonly ManualResetEventSlim _release = new();

        public BlockedModel(MLContext mlContext)
        {
            Model = Fit(mlContext, out var scorer);
            Scorer = scorer;
            scorer.BatchSizes.Clear();
            scorer.OnScoreBatch = _ =>
            {
                _entered.Set();
                _release.Wait(TimeSpan.FromSeconds(30));
            };
        }

        public ITransformer Model { get; }

        public FakeTextScorer Scorer { get; }

        /// <summary>Sends a first request and returns once the model is busy with it.</summary>
        public Task<TextPrediction> Occupy(BatchingPredictor<TestRow, TextPrediction> predictor, TestRow row)
        {
            var first = predictor.PredictAsync(row);
            Assert.IsTrue(_entered.Wait(TimeSpan.FromSeconds(30)), "the first batch reached the model");
            return first;
        }

        public void Release() => _release.Set();

        public void Dispose() => Release();
    }

    [TestMethod]
    public async Task ConcurrentRequestsGetTheAnswersOfTransformInSharedBatches()
    {
        var mlContext = new MLContext(seed: 1);
        var model = Fit(mlContext, out var scorer);
        var rows = TestRows.Make(64, seed: 3);
        var transformed = model.Transform(mlContext.Data.LoadFromEnumerable(rows));
        var expectedScores = transformed.GetColumn<float[]>("Score").ToArray();
        var expectedLabels = transformed.GetColumn<string>("PredictedLabelValue").ToArray();
        scorer.BatchSizes.Clear();
        scorer.CallDelay = TimeSpan.FromMilliseconds(5); // a forward pass takes time, so requests pile up behind it

        await using var predictor = new BatchingPredictor<TestRow, TextPrediction>(mlContext, model, new BatchingOptions { MaxBatchSize = 4 });
        // 16 callers, 4 requests each, all at once.
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(caller => Task.Run(async () =>
        {
            var mine = new List<(int Row, TextPrediction Answer)>();
            for (int i = caller; i < rows.Count; i += 16)
                mine.Add((i, await predictor.PredictAsync(rows[i])));
            return mine;
        })));

        var all = answers.SelectMany(a => a).OrderBy(a => a.Row).ToList();
        Assert.HasCount(rows.Count, all);
        foreach (var (row, answer) in all)
        {
            CollectionAssert.AreEqual(expectedScores[row], answer.Score, $"row {row}");
            Assert.AreEqual(expectedLabels[row], answer.PredictedLabelValue, $"row {row}");
        }
        var sizes = scorer.BatchSizes.ToArray();
        Assert.AreEqual(rows.Count, sizes.Sum(), "every row scored once");
        Assert.IsTrue(sizes.Max() > 1, $"some requests shared a forward pass (batch sizes {string.Join(",", sizes)})");
        Assert.IsTrue(sizes.Max() <= 4, "no batch above MaxBatchSize");
        Assert.AreEqual(rows.Count, predictor.RowCount);
        Assert.AreEqual(sizes.Length, predictor.BatchCount, "MaxBatchSize is the model's batch size (4): one forward pass per batch");
    }

    [TestMethod]
    public async Task ABatchIsScoredWhenFullWithoutWaitingForMaxWait()
    {
        var mlContext = new MLContext(seed: 1);
        var model = Fit(mlContext, out var scorer);
        scorer.BatchSizes.Clear();
        var rows = TestRows.Make(4, seed: 5);
        await using var predictor = new BatchingPredictor<TestRow, TextPrediction>(mlContext, model,
            new BatchingOptions { MaxBatchSize = 4, MaxWait = TimeSpan.FromSeconds(50) });
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(rows.Select(r => predictor.PredictAsync(r)));
        Assert.IsLessThan(TimeSpan.FromSeconds(20), clock.Elapsed, "a full batch does not wait out MaxWait");
        CollectionAssert.AreEqual(new[] { 4 }, scorer.BatchSizes.ToArray());
    }

    [TestMethod]
    public async Task ALoneRequestIsScoredAfterMaxWait()
    {
        var mlContext = new MLContext(seed: 1);
        var model = Fit(mlContext, out var scorer);
        scorer.BatchSizes.Clear();
        var maxWait = TimeSpan.FromMilliseconds(300);
        await using var predictor = new BatchingPredictor<TestRow, TextPrediction>(mlContext, model,
            new BatchingOptions { MaxBatchSize = 32, MaxWait = maxWait });
        var clock = Stopwatch.StartNew();
        var answer = await predictor.PredictAsync(TestRows.Make(1)[0]).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.IsGreaterThanOrEqualTo(maxWait - TimeSpan.FromMilliseconds(20), clock.Elapsed, "it waited for company first");
        Assert.HasCount(3, answer.Score);
        CollectionAssert.AreEqual(new[] { 1 }, scorer.BatchSizes.ToArray());
    }

    [TestMethod]
    public async Task AFullQueueRefusesWithAClearException()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = TestRows.Make(4, seed: 5);
        using var blocked = new BlockedModel(mlContext);
        await using var predictor = new BatchingPredictor<TestRow, TextPrediction>(mlContext, blocked.Model,
            new BatchingOptions { MaxBatchSize = 1, MaxWait = TimeSpan.Zero, QueueCapacity = 2 });
        var first = blocked.Occupy(predictor, rows[0]);
        var queued = new[] { predictor.PredictAsync(rows[1]), predictor.PredictAsync(rows[2]) };
        Assert.AreEqual(2, predictor.QueuedCount);

        var e = Assert.Throws<PredictionQueueFullException>(() => predictor.PredictAsync(rows[3]));
        Assert.AreEqual(2, e.Capacity);
        StringAssert.Contains(e.Message, "QueueCapacity");

        blocked.Release();
        await Task.WhenAll(queued.Append(first));
        Assert.HasCount(3, (await predictor.PredictAsync(rows[3])).Score, "the queue takes requests again once it drains");
    }

    [TestMethod]
    public async Task ACancelledWaitingRequestEndsAtOnceAndNeverReachesTheModel()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = TestRows.Make(3, seed: 5);
        using var blocked = new BlockedModel(mlContext);
        await using var predictor = new BatchingPredictor<TestRow, TextPrediction>(mlContext, blocked.Model,
            new BatchingOptions { MaxBatchSize = 1, MaxWait = TimeSpan.Zero });
        var first = blocked.Occupy(predictor, rows[0]);
        using var cancellation = new CancellationTokenSource();
        var cancelled = predictor.PredictAsync(rows[1], cancellation.Token);
        cancellation.Cancel();
        await Assert.ThrowsAsync<TaskCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.IsFalse(first.IsCompleted, "the model is still busy with the first request");

        blocked.Release();
        await first;
        await predictor.PredictAsync(rows[2]);
        CollectionAssert.AreEqual(new[] { 1, 1 }, blocked.Scorer.BatchSizes.ToArray(), "the first and third rows only");
        Assert.AreEqual(2, predictor.RowCount);
        Assert.IsTrue(predictor.PredictAsync(rows[2], new CancellationToken(canceled: true)).IsCanceled, "an already-cancelled token is not queued");
    }

    [TestMethod]
    public async Task DisposeScoresTheQueuedRequestsThenRefusesNewOnesAndLeavesTheModel()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = TestRows.Make(4, seed: 5);
        using var blocked = new BlockedModel(mlContext);
        var predictor = new BatchingPredictor<TestRow, TextPrediction>(mlContext, blocked.Model, new BatchingOptions { MaxBatchSize = 2, MaxWait = TimeSpan.Zero });
        var first = blocked.Occupy(predictor, rows[0]);
        var queued = rows.Skip(1).Select(r => predictor.PredictAsync(r)).ToArray();

        var disposing = predictor.DisposeAsync().AsTask();
        Assert.IsFalse(disposing.IsCompleted, "disposal waits for the queued requests");
        Assert.Throws<ObjectDisposedException>(() => predictor.PredictAsync(rows[0]));
        blocked.Release();
        await disposing.WaitAsync(TimeSpan.FromSeconds(30));

        foreach (var task in queued.Append(first))
            Assert.HasCount(3, task.Result.Score, "every request queued before disposal got its answer");
        Assert.IsFalse(blocked.Scorer.Disposed, "the model stays the caller's");
        predictor.Dispose(); // twice is fine
        ((IDisposable)blocked.Model).Dispose();
    }

    public sealed class TextLengthOutput
    {
        public int Length { get; set; }
    }

    [TestMethod]
    public async Task RowsReachTheModelSortedByTextLengthAndAnswersGoBackToTheirCallers()
    {
        var mlContext = new MLContext(seed: 1);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        // A model that records the order it reads rows in and answers each with its text's length.
        var model = mlContext.Transforms.CustomMapping<BatchingPredictorTaskTests.TextInput, TextLengthOutput>((input, output) =>
            {
                seen.Enqueue(input.Text);
                output.Length = input.Text.Length;
            }, contractName: null)
            .Fit(mlContext.Data.LoadFromEnumerable(new[] { new BatchingPredictorTaskTests.TextInput() }));
        string[] texts = ["a fairly long text", "a", "medium text", "ab", "the longest text of all eight", "abc", "mid text", "a text"];
        await using var predictor = new BatchingPredictor<BatchingPredictorTaskTests.TextInput, TextLengthOutput>(mlContext, model,
            new BatchingOptions { MaxBatchSize = texts.Length, MaxWait = TimeSpan.FromSeconds(50) });
        var answers = await Task.WhenAll(texts.Select(t => predictor.PredictAsync(new BatchingPredictorTaskTests.TextInput { Text = t })));

        CollectionAssert.AreEqual(texts.OrderBy(t => t.Length).ToArray(), seen.ToArray(), "one batch, read shortest first");
        CollectionAssert.AreEqual(texts.Select(t => t.Length).ToArray(), answers.Select(a => a.Length).ToArray(), "each caller gets its own row's answer");
        Assert.AreEqual(1, predictor.BatchCount);
    }

    private sealed class MissingColumnOutput
    {
        public float[] Probability { get; set; } = [];
    }

    [TestMethod]
    public void AnOutputClassTheModelCannotFillIsRefusedBeforeAnyRequest()
    {
        var mlContext = new MLContext(seed: 1);
        var model = Fit(mlContext, out _);
        var e = Assert.Throws<Exception>(() => new BatchingPredictor<TestRow, MissingColumnOutput>(mlContext, model));
        StringAssert.Contains(e.Message, "Probability");
    }

    [TestMethod]
    public void BadOptionsAreRefusedNamingTheOption()
    {
        var mlContext = new MLContext(seed: 1);
        var model = Fit(mlContext, out _);
        foreach (var (options, name) in new[]
        {
            (new BatchingOptions { MaxBatchSize = 0 }, "MaxBatchSize"),
            (new BatchingOptions { MaxWait = TimeSpan.FromMilliseconds(-1) }, "MaxWait"),
            (new BatchingOptions { QueueCapacity = 0 }, "QueueCapacity"),
        })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchingPredictor<TestRow, TextPrediction>(mlContext, model, options));
            StringAssert.Contains(e.Message, "BatchingOptions." + name);
        }
    }
}
