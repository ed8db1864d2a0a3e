using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tests.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Reliability;

/// <summary>
/// Scoring leaves nothing behind: 10,000 <c>PredictionEngine</c> calls and 100 <c>Transform</c> passes leave the
/// number of live TorchSharp tensors where it was (every tensor of a forward pass is disposed by its scope, none
/// waits for the finalizer) and the resident memory flat.
/// </summary>
[TestClass]
public sealed class InferenceMemoryTests
{
    public sealed class Row
    {
        public string Text { get; set; } = "";
    }

    public sealed class Scored
    {
        public float[] Score { get; set; } = [];
    }

    [TestMethod]
    public void TenThousandPredictionsAndAHundredTransformsLeaveNoTensorsAndNoMemory()
    {
        // One libtorch thread: this model's ops are tiny, and two threads that wait for each other at every op make
        // 10,000 calls slow on a busy machine. Memory is what counts here.
        int threads = get_num_threads();
        set_num_threads(1);
        try
        {
            ScoreAndCount();
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    private static void ScoreAndCount()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = V1Tokenizers.YelpSentences().Take(64).Select(t => new Row { Text = t }).ToList();
        var data = mlContext.Data.LoadFromEnumerable(rows);
        using var model = mlContext.Transforms.Deberta.ApplyTextModel(
            Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "pipelines", "v3_seqcls")).Fit(data);
        using var engine = mlContext.Model.CreatePredictionEngine<Row, Scored>(model, new PredictionEngineOptions { OwnsTransformer = false });
        float Scores() => mlContext.Data.CreateEnumerable<Scored>(model.Transform(data), reuseRowObject: false).Sum(s => s.Score[0]);

        // Warm: kernels chosen, pools and caches filled; then whatever earlier tests left for the finalizer is gone.
        for (int i = 0; i < 200; i++)
            engine.Predict(rows[i % rows.Count]);
        Scores();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long tensorsBefore = Tensor.TotalCount, residentBefore = PeakResidentMemory.Current();

        for (int i = 0; i < 10_000; i++)
            engine.Predict(rows[i % rows.Count]);
        long tensorsAfterPredictions = Tensor.TotalCount, residentAfterPredictions = PeakResidentMemory.Current();
        float first = Scores();
        for (int pass = 1; pass < 100; pass++)
            Assert.AreEqual(first, Scores(), $"Transform pass {pass} scored differently");
        long tensorsAfterTransforms = Tensor.TotalCount, residentAfterTransforms = PeakResidentMemory.Current();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"inference memory: live tensors {tensorsBefore} → {tensorsAfterPredictions} after 10,000 Predict → {tensorsAfterTransforms} after 100 Transform; " +
            $"resident {residentBefore / 1048576.0:F0} → {residentAfterPredictions / 1048576.0:F0} → {residentAfterTransforms / 1048576.0:F0} MB"));
        // Counted without a collection in between: a tensor left to the finalizer would still be live here.
        Assert.AreEqual(tensorsBefore, tensorsAfterPredictions, "live TorchSharp tensors after 10,000 PredictionEngine calls");
        Assert.AreEqual(tensorsBefore, tensorsAfterTransforms, "live TorchSharp tensors after 100 Transform passes");
        // Resident memory: the GC heap and the allocators' caches move a little; a leak of one batch per call would not.
        Assert.IsLessThanOrEqualTo(residentBefore + 32L * 1048576, residentAfterPredictions, "resident memory after 10,000 PredictionEngine calls");
        Assert.IsLessThanOrEqualTo(residentBefore + 32L * 1048576, residentAfterTransforms, "resident memory after 100 Transform passes");
    }
}
