using System.Diagnostics;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>
/// Inference speed of base-sized models (random weights), float32, a batch of 8 × 128 tokens: the current code, and in
/// the same process the same code with its products forced onto the plain <c>linear</c>/<c>bmm</c> (MKL) route.
/// Rounds alternate between the two so that a change of machine load hits both; each reports its best of 3 after
/// a warm-up at the measured shape. The numbers are printed, not asserted (absolute times drift by ±15% here);
/// what is asserted is that both routes compute the same outputs.
/// </summary>
[TestClass]
[TestCategory("Benchmark")]
public sealed class InferenceBenchmarkTests
{
    private const int Batch = 8;
    private const int Length = 128;
    private const int Rounds = 3;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void DebertaV3BaseSizedForward() => Measure("deberta-v3-base.config.json", "deberta-v3-base");

    [TestMethod]
    public void DebertaV1BaseSizedForward() => Measure("deberta-base.config.json", "deberta-base (v1)");

    private void Measure(string configFile, string name)
    {
        var config = DebertaConfig.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "configs", configFile));
        using var model = new DebertaModel(config, seed: 1);
        using var scope = NewDisposeScope();
        var generator = new torch.Generator(5);
        var ids = torch.randint(4, config.VocabSize, [Batch, Length], generator: generator, dtype: ScalarType.Int64);
        var mask = torch.ones(Batch, Length, dtype: ScalarType.Int64);
        mask[Batch - 1, TensorIndex.Slice(100)] = torch.tensor(0L);

        string load = LoadAverage();
        using (model.Predict(ids, mask)) { }
        double best = double.MaxValue, bestPlain = double.MaxValue;
        Tensor? ours = null, plain = null;
        for (int round = 0; round < Rounds; round++)
        {
            (bestPlain, plain) = Time(model, ids, mask, convolution: false, bestPlain, plain);
            (best, ours) = Time(model, ids, mask, convolution: true, best, ours);
        }

        var message = $"{name} sized forward, {Batch} × {Length} tokens, float32, {torch.get_num_threads()} thread(s), "
            + $"load average before {load}: {Batch / best:F1} sequences/s ({best:F3} s); plain linear/bmm products "
            + $"{Batch / bestPlain:F1} sequences/s ({bestPlain:F3} s); speed-up ×{bestPlain / best:F2}";
        TestContext.WriteLine(message);
        Console.WriteLine(message);

        CollectionAssert.AreEqual(new long[] { Batch, Length, config.HiddenSize }, ours!.shape);
        var excess = (ours - plain!).abs() - plain!.abs().clamp_min(1.0) * 1e-5;
        Assert.IsLessThanOrEqualTo(0f, excess.max().item<float>(), "the two routes differ by more than 1e-5·max(1, |ref|)");
    }

    private static (double Best, Tensor Output) Time(DebertaModel model, Tensor ids, Tensor mask, bool convolution, double best, Tensor? kept)
    {
        bool was = PointwiseConvolution.Enabled;
        PointwiseConvolution.Enabled = convolution;
        try
        {
            var watch = Stopwatch.StartNew();
            var output = model.Predict(ids, mask);
            watch.Stop();
            kept?.Dispose();
            var last = output.LastHiddenState.detach().clone();
            output.Dispose();
            return (Math.Min(best, watch.Elapsed.TotalSeconds), last);
        }
        finally
        {
            PointwiseConvolution.Enabled = was;
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
