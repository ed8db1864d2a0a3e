using System.Diagnostics;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>The released DeBERTa-v3 sizes build from their configs; v3-base has transformers' parameter count and runs a batch.</summary>
[TestClass]
public sealed class RealSizeModelTests
{
    public TestContext TestContext { get; set; } = null!;

    private static DebertaConfig V3(string size) =>
        DebertaConfig.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "configs", $"deberta-v3-{size}.config.json"));

    [TestMethod]
    public void DebertaV3BaseHasTransformersParameterCount()
    {
        using var model = new DebertaModel(V3("base"));
        // transformers: sum(p.numel() for p in DebertaV2Model(config_of_microsoft/deberta-v3-base).parameters())
        Assert.AreEqual(183_831_552L, model.ParameterCount());
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        CollectionAssert.AreEqual(new long[] { 512, 768 }, shapes["encoder.rel_embeddings.weight"]);
        CollectionAssert.AreEqual(new long[] { 128100, 768 }, shapes["embeddings.word_embeddings.weight"]);
        Assert.IsFalse(shapes.Keys.Any(k => k.Contains("pos_key_proj") || k.Contains("pos_query_proj") || k.Contains("position_embeddings")));
        Assert.IsTrue(shapes.ContainsKey("encoder.LayerNorm.weight"));
    }

    [TestMethod]
    [DataRow("xsmall")]
    [DataRow("small")]
    [DataRow("base")]
    [DataRow("large")]
    public void RealV3SizesBuildWithTheSpecifiedKeyShapes(string size)
    {
        var config = V3(size);
        using var model = new DebertaModel(config);
        // Count from the v2 key table (spec §7.2): embeddings, relative table + its LayerNorm, N layers.
        long d = config.HiddenSize, i = config.IntermediateSize, v = config.VocabSize, p = config.PositionBuckets!.Value;
        long layer = 3 * (d * d + d) + (d * d + d) + 2 * d + (d * i + i) + (i * d + d) + 2 * d;
        long expected = v * d + 2 * d + 2 * p * d + 2 * d + config.NumHiddenLayers * layer;
        Assert.AreEqual(expected, model.ParameterCount(), size);
        Assert.HasCount(6 + 16 * config.NumHiddenLayers, model.StateDictKeys(), size);
        TestContext.WriteLine($"deberta-v3-{size}: {model.ParameterCount():N0} parameters");
    }

    [TestMethod]
    public void DebertaV3BaseSizedModelRunsABatchOf8x128()
    {
        using var model = new DebertaModel(V3("base"), seed: 1);
        using var scope = NewDisposeScope();
        var generator = new torch.Generator(5);
        var ids = torch.randint(4, 128000, [8, 128], generator: generator, dtype: ScalarType.Int64);
        var mask = torch.ones(8, 128, dtype: ScalarType.Int64);
        mask[7, TensorIndex.Slice(100)] = torch.tensor(0L);

        using (var warmup = model.Predict(ids[TensorIndex.Slice(0, 1), TensorIndex.Slice(0, 16)])) { }
        var watch = Stopwatch.StartNew();
        using var output = model.Predict(ids, mask);
        watch.Stop();

        var message = $"deberta-v3-base sized forward, batch 8 x 128 tokens, float32, no_grad, {torch.get_num_threads()} thread(s): {watch.Elapsed.TotalSeconds:F2} s ({8 / watch.Elapsed.TotalSeconds:F1} sequences/s)";
        TestContext.WriteLine(message);
        Console.WriteLine(message);
        CollectionAssert.AreEqual(new long[] { 8, 128, 768 }, output.LastHiddenState.shape);
        Assert.IsFalse(output.LastHiddenState.isnan().any().item<bool>());
        Assert.IsFalse(output.LastHiddenState.requires_grad);
        Assert.IsTrue(watch.Elapsed < TimeSpan.FromSeconds(30), message);
    }
}
