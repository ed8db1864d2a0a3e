using System.Diagnostics;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tests.MLNet;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// ONNX Runtime against TorchSharp through the same ML.NET step (tokenizing included), in one run with interleaved
/// rounds (best kept: the machine is shared): a deberta-v3-xsmall-sized classifier (random weights) on Yelp sentences.
/// A one-off measurement: set DEBERTA_MEASURE_ONNX_SPEED=1 to run it.
/// </summary>
[TestClass]
[TestCategory("Benchmark")]
public sealed class OnnxScoringSpeedBenchmark
{
    private const int Rows = 128;
    private const int Rounds = 3;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void OnnxRuntimeAgainstTorchSharpThroughMLNet()
    {
        if (Environment.GetEnvironmentVariable("DEBERTA_MEASURE_ONNX_SPEED") != "1")
            Assert.Inconclusive("A one-off measurement: set DEBERTA_MEASURE_ONNX_SPEED=1 to run it.");
        var mlContext = new MLContext(seed: 1);
        var texts = SentimentRow.ReadTsv(Path.Combine(AppContext.BaseDirectory, "TestData", "sentiment", "yelp_labelled.txt")).Take(Rows).ToList();
        var data = mlContext.Data.LoadFromEnumerable(texts);
        var config = DebertaConfig.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "configs", "deberta-v3-xsmall.config.json"));
        var tokenizer = DebertaTokenizerBase.FromFolder(Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "tokenizer", "deberta-v3"));
        var encoding = new TextEncodingSettings { MaxLength = 128, Stride = 32 };
        var torchScorer = new DebertaTextScorer(tokenizer, new DebertaForSequenceClassification(config, seed: 1), encoding, batchSize: 32);
        var environment = DebertaCatalog.For(mlContext).Environment;
        var columns = PredictionColumns.Multiclass(new OutputColumnNames(), 2, null);
        using var onnx = new TextScoringTransformer(environment, OnnxRuntimeLoaders.Export(torchScorer), new TextColumns("Text", null), columns, 32);
        using var torch = new TextScoringTransformer(environment, torchScorer, new TextColumns("Text", null), columns, 32);

        float[][] Score(ITransformer model) => [.. model.Transform(data).GetColumn<float[]>("Score")];
        var expected = Score(torch);
        var actual = Score(onnx);
        double bestTorch = double.MaxValue, bestOnnx = double.MaxValue;
        for (int round = 0; round < Rounds; round++)
        {
            bestTorch = Math.Min(bestTorch, Time(() => Score(torch)));
            bestOnnx = Math.Min(bestOnnx, Time(() => Score(onnx)));
        }
        float delta = expected.Zip(actual, (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max()).Max();
        var message = $"onnx mlnet speed, deberta-v3-xsmall-sized classifier, {Rows} Yelp rows, batch 32, {Environment.ProcessorCount} core(s) (shared), " +
            $"load average {LoadAverage()}: TorchSharp {bestTorch:F3} s, ONNX Runtime {bestOnnx:F3} s, ORT/TorchSharp speed ×{bestTorch / bestOnnx:F2}; max |Δ Score| {delta:G3}";
        TestContext.WriteLine(message);
        Console.WriteLine(message);
        Assert.IsLessThanOrEqualTo(1e-4f, delta);
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
