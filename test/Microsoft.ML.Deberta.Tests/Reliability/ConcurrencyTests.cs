using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tests.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Deberta.Tests.Reliability;

/// <summary>
/// One loaded model shared by many threads answers exactly as it does on one thread: a PredictionEngine per thread,
/// and Transform cursors from several threads at once. A disposed model says so with ObjectDisposedException,
/// through ML.NET and through the model API, never with a native crash.
/// </summary>
[TestClass]
public sealed class ConcurrencyTests
{
    private const int Threads = 8;
    private const int PredictionsPerThread = 1_000;

    public sealed class Row
    {
        public string Text { get; set; } = "";
    }

    public sealed class Scored
    {
        public float[] Score { get; set; } = [];
        public string PredictedLabel { get; set; } = "";
    }

    private static string Pipeline(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "pipelines", name);

    private static readonly string[] Texts = [.. V1Tokenizers.YelpSentences().Take(100)];

    [TestMethod]
    public void EightThreadsWithAPredictionEngineEachAnswerBitForBitAsOneThreadDoes()
    {
        var mlContext = new MLContext(seed: 1);
        var empty = mlContext.Data.LoadFromEnumerable(Array.Empty<Row>());
        using var model = (IDisposable)mlContext.Transforms.Deberta.ApplyTextModel(Pipeline("v3_seqcls"))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel")).Fit(empty);
        var transformer = (ITransformer)model;
        string Line(Scored s) => string.Join(",", s.Score.Select(f => BitConverter.SingleToInt32Bits(f).ToString("x8"))) + " " + s.PredictedLabel;

        using var single = mlContext.Model.CreatePredictionEngine<Row, Scored>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
        var expected = Texts.Select(t => Line(single.Predict(new Row { Text = t }))).ToArray();

        var mismatches = new int[Threads];
        var threads = Enumerable.Range(0, Threads).Select(thread => new Thread(() =>
        {
            using var engine = mlContext.Model.CreatePredictionEngine<Row, Scored>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
            for (int i = 0; i < PredictionsPerThread; i++)
            {
                int text = (i * 7 + thread * 13) % Texts.Length;   // every thread walks the texts in its own order
                if (Line(engine.Predict(new Row { Text = Texts[text] })) != expected[text])
                    mismatches[thread]++;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Console.WriteLine($"concurrency: {Threads} threads x {PredictionsPerThread} predictions, {mismatches.Sum()} differ from one thread's");
        Assert.AreEqual(0, mismatches.Sum(), "every prediction equals the single-threaded one, bit for bit");
    }

    [TestMethod]
    public void TransformCursorsFromSeveralThreadsAtOnceReadWhatOneReads()
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(Texts.Select(t => new Row { Text = t }));
        var ner = mlContext.Transforms.Deberta.ApplyTokenClassificationModel(Pipeline("v1_tokcls")).Fit(data);
        var classifier = mlContext.Transforms.Deberta.ApplyTextModel(Pipeline("v3_seqcls")).Fit(data);
        try
        {
            string[] Read(ITransformer model, string column) =>
                [.. model.Transform(data).GetColumn<VBuffer<float>>(column).Select(v => string.Join(",", v.DenseValues().Select(f => BitConverter.SingleToInt32Bits(f))))];
            var expectedScores = Read(classifier, "Score");
            var expectedNer = Read(ner, "Score");
            var tasks = Enumerable.Range(0, 6).Select(i => Task.Run(() =>
                i % 2 == 0 ? Read(classifier, "Score").SequenceEqual(expectedScores) : Read(ner, "Score").SequenceEqual(expectedNer))).ToArray();
            Task.WaitAll(tasks);
            Assert.IsTrue(tasks.All(t => t.Result), "six cursors over two shared models, classification and NER, read what one cursor reads");
        }
        finally
        {
            (ner as IDisposable)?.Dispose();
            (classifier as IDisposable)?.Dispose();
        }
    }

    [TestMethod]
    public void EveryScoringStepUsedAfterDisposeThrowsObjectDisposedException()
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(new[] { new Row { Text = "The [MASK] was great." } });
        var steps = new (string Name, Func<ITransformer> Fit, string Column)[]
        {
            ("ApplyTextModel", () => mlContext.Transforms.Deberta.ApplyTextModel(Pipeline("v3_seqcls")).Fit(data), "Score"),
            ("ApplyTokenClassificationModel", () => mlContext.Transforms.Deberta.ApplyTokenClassificationModel(Pipeline("v1_tokcls")).Fit(data), "Score"),
            ("TextEmbedding", () => mlContext.Transforms.Deberta.TextEmbedding(Pipeline("v1_seqcls")).Fit(data), "Features"),
            ("FillMask", () => mlContext.Transforms.Deberta.FillMask(Pipeline("v3_mlm")).Fit(data), "Score"),
        };
        foreach (var (name, fit, column) in steps)
        {
            var model = fit();
            var scored = model.Transform(data);
            ((IDisposable)model).Dispose();
            Assert.ThrowsExactly<ObjectDisposedException>(() => model.Transform(data).GetColumn<VBuffer<float>>(column).ToList(), $"{name}: Transform after Dispose");
            Assert.ThrowsExactly<ObjectDisposedException>(() => scored.GetColumn<VBuffer<float>>(column).ToList(), $"{name}: a view made before Dispose, read after");
        }
    }

    /// <summary>
    /// TorchSharp frees a temporary Scalar (a number passed to an op, or the alpha of 1 that tensor + tensor passes)
    /// in its finalizer, and only its handle reaches libtorch: a garbage collection triggered by another thread during
    /// the call could free it while libtorch reads it ("Unknown scalar type", or a silently different value). The model
    /// code keeps every Scalar it passes alive (see TorchScalars). Here two threads take turns running forward passes
    /// (one at a time, as the ML.NET layer runs them: concurrent passes on one CPU may round differently) while two
    /// more force collections, and every output must equal the quiet one bit for bit.
    /// </summary>
    [TestMethod]
    [DataRow("v1_seqcls")]
    [DataRow("v3_seqcls")]
    public void ForwardPassesUnderGarbageCollectionChurnGiveTheQuietOutputsBitForBit(string folder)
    {
        var config = DebertaConfig.FromJson(File.ReadAllText(Path.Combine(Pipeline(folder), "config.json")));
        using var model = new DebertaForSequenceClassification(config, seed: 1);
        using var ids = torch.tensor(new long[] { 1, 50, 60, 70, 80, 90, 2, 0, 1, 30, 40, 2, 0, 0, 0, 0 }, [2, 8]);
        using var mask = ids.ne(TorchScalars.Zero).to_type(torch.ScalarType.Int64);
        float[] Logits() { using var output = model.Predict(ids, mask); return output.Logits.data<float>().ToArray(); }
        var expected = Logits();

        var stop = DateTime.UtcNow.AddSeconds(8);
        var forwardLock = new object();
        int differing = 0, errors = 0, passes = 0;
        string? firstError = null;
        var threads = Enumerable.Range(0, 2).Select(i => new Thread(() =>
        {
            while (DateTime.UtcNow < stop)
            {
                try
                {
                    float[] logits;
                    lock (forwardLock) logits = Logits();
                    if (!logits.SequenceEqual(expected)) Interlocked.Increment(ref differing);
                    Interlocked.Increment(ref passes);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }
        })).Concat(Enumerable.Range(0, 2).Select(i => new Thread(() =>
        {
            while (DateTime.UtcNow < stop) { _ = new byte[100_000]; GC.Collect(0); }
        }))).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Console.WriteLine($"{folder} under GC churn: {passes} forward passes, {differing} differ, {errors} errors");
        Assert.AreEqual(0, errors, firstError);
        Assert.AreEqual(0, differing, "every output equals the quiet one");
    }

    [TestMethod]
    public void AModelUsedAfterDisposeThrowsObjectDisposedException()
    {
        var config = DebertaConfig.FromJson(File.ReadAllText(Path.Combine(Pipeline("v3_seqcls"), "config.json")));
        var model = new DebertaForSequenceClassification(config, seed: 1);
        var bare = new DebertaModel(config, seed: 1);
        using var ids = torch.tensor(new long[] { 1, 5, 2 }).unsqueeze(0);
        model.Dispose();
        bare.Dispose();
        var error = Assert.ThrowsExactly<ObjectDisposedException>(() => model.Predict(ids));
        StringAssert.Contains(error.Message, "DebertaForSequenceClassification");
        Assert.ThrowsExactly<ObjectDisposedException>(() => model.Forward(ids));
        Assert.ThrowsExactly<ObjectDisposedException>(() => bare.Predict(ids));
    }
}
