using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tests.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Reliability;

/// <summary>
/// Mixed scoring for a while — classification and NER through PredictionEngines, question answering, embeddings and
/// fill-mask through Transform, on four threads sharing the loaded models — makes no errors and keeps the resident
/// memory flat once warm. 30 seconds in the suite; <c>./build.sh soak --minutes N</c> runs it longer
/// (<c>DEBERTA_SOAK_SECONDS</c>).
/// </summary>
[TestClass]
public sealed class SoakTests
{
    public sealed class Row
    {
        public string Text { get; set; } = "";
        public string Question { get; set; } = "";
    }

    public sealed class Scored
    {
        public float[] Score { get; set; } = [];
    }

    private static string Pipeline(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "pipelines", name);

    [TestMethod]
    [TestCategory("Soak")]
    public void MixedScoringOnFourThreadsMakesNoErrorsAndKeepsMemoryFlat()
    {
        double seconds = double.TryParse(Environment.GetEnvironmentVariable("DEBERTA_SOAK_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : 30;
        var texts = V1Tokenizers.YelpSentences().Take(64).ToArray();
        var mlContext = new MLContext(seed: 1);
        var rows = texts.Select(t => new Row { Text = t, Question = "What was good?" }).ToList();
        var data = mlContext.Data.LoadFromEnumerable(rows);
        var masked = mlContext.Data.LoadFromEnumerable(texts.Take(16).Select(t => new Row { Text = "[MASK] " + t }));
        var models = new ITransformer[]
        {
            mlContext.Transforms.Deberta.ApplyTextModel(Pipeline("v3_seqcls")).Fit(data),
            mlContext.Transforms.Deberta.ApplyTokenClassificationModel(Pipeline("v1_tokcls")).Fit(data),
            mlContext.Transforms.Deberta.ApplyQuestionAnsweringModel(Pipeline("v1_qa"), contextColumnName: "Text").Fit(data),
            mlContext.Transforms.Deberta.TextEmbedding(Pipeline("v1_seqcls")).Fit(data),
            mlContext.Transforms.Deberta.FillMask(Pipeline("v3_mlm")).Fit(masked),
        };
        try
        {
            long errors = 0, scored = 0;
            string? firstError = null;
            var stopAt = Stopwatch.StartNew();
            void Loop(Action<int> work)
            {
                for (int i = 0; stopAt.Elapsed.TotalSeconds < seconds; i++)
                {
                    try { work(i); Interlocked.Increment(ref scored); }
                    catch (Exception e) { Interlocked.Increment(ref errors); Interlocked.CompareExchange(ref firstError, e.ToString(), null); }
                }
            }
            var workers = new[]
            {
                new Thread(() =>
                {
                    using var engine = mlContext.Model.CreatePredictionEngine<Row, Scored>(models[0], new PredictionEngineOptions { OwnsTransformer = false });
                    Loop(i => engine.Predict(rows[i % rows.Count]));
                }),
                new Thread(() =>
                {
                    using var engine = mlContext.Model.CreatePredictionEngine<Row, Scored>(models[1], new PredictionEngineOptions { OwnsTransformer = false });
                    Loop(i => engine.Predict(rows[i % rows.Count]));
                }),
                new Thread(() => Loop(_ => models[2].Transform(data).GetColumn<VBuffer<float>>("Score").ToList())),
                new Thread(() => Loop(i => _ = i % 2 == 0
                    ? models[3].Transform(data).GetColumn<VBuffer<float>>("Features").Count()
                    : models[4].Transform(masked).GetColumn<VBuffer<float>>("Score").Count())),
            };
            var samples = new List<(double Seconds, long Bytes)>();
            foreach (var worker in workers) worker.Start();
            while (workers.Any(w => w.IsAlive))
            {
                samples.Add((stopAt.Elapsed.TotalSeconds, PeakResidentMemory.Current()));
                Thread.Sleep(500);
            }

            // Warm: after the first third (at least 5 s). Flat: the last fifth's median within 10% + 64 MB of the
            // median of the fifth that follows warm-up (GC and allocator caches make single samples noisy).
            double warm = Math.Max(5, seconds / 3);
            var afterWarmUp = samples.Where(p => p.Seconds >= warm).Select(p => p.Bytes).ToList();
            int fifth = Math.Max(1, afterWarmUp.Count / 5);
            long early = Median(afterWarmUp.Take(fifth)), late = Median(afterWarmUp.TakeLast(fifth));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"soak: {seconds:F0} s, 4 threads, {scored} scoring calls, {errors} errors, resident memory once warm {early / 1048576.0:F0} MB, at the end {late / 1048576.0:F0} MB ({(late - early) * 100.0 / early:+0.0;-0.0}%)"));
            Assert.AreEqual(0, errors, firstError);
            Assert.IsTrue(afterWarmUp.Count >= 2, "enough memory samples");
            Assert.IsTrue(late <= early * 1.10 + 64 * 1048576, $"resident memory grew from {early} to {late} bytes");
        }
        finally
        {
            foreach (var model in models) (model as IDisposable)?.Dispose();
        }
    }

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
