using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>
/// <see cref="DebertaPrecision.BFloat16"/> inference against float32, piece by piece: a product, the converted
/// parameters, the attention probabilities and every layer's output, the logits, and the refusals.
/// </summary>
/// <remarks>
/// bfloat16 keeps 8 significant bits, so one rounding moves a value by at most u = 2⁻⁹ of itself. The bounds below
/// follow from that (a product) or are 2–6 times the largest difference measured on these models (whole layers, where
/// roundings compound through softmax and LayerNorm: measured max |Δ| 0.015 in the unit-scale hidden states, 9e-5 in
/// the attention probabilities, 3.6e-6 in the small logits of these freshly initialised heads).
/// </remarks>
[TestClass]
public sealed class BFloat16InferenceTests
{
    private const double U = 1.0 / 512;   // bfloat16's unit roundoff, 2⁻⁹

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void ProductOfAConvertedWeightIsWithinBFloat16RoundingOfFloat64()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        var x = torch.randn([64, 256], generator: generator);
        var weight = torch.randn([96, 256], generator: generator) * 0.05;
        var bias = torch.randn([96], generator: generator) * 0.1;

        var product = PointwiseConvolution.Linear(x, weight.to_type(ScalarType.BFloat16), bias.to_type(ScalarType.BFloat16));

        Assert.AreEqual(ScalarType.BFloat16, product.dtype);
        var exact = nn.functional.linear(x.to_type(ScalarType.Float64), weight.to_type(ScalarType.Float64), bias.to_type(ScalarType.Float64));
        // Rounding x and w moves each term by ≤ 2u of |x·w|, the bias by u, the result by u; float32 accumulation adds ~K·2⁻²⁴.
        var magnitude = torch.matmul(x.abs().to_type(ScalarType.Float64), weight.abs().to_type(ScalarType.Float64).t()) + bias.abs();
        var bound = magnitude * (3 * U) + exact.abs() * U;
        var error = (product.to_type(ScalarType.Float64) - exact).abs();
        Assert.IsTrue(error.le(bound).all().item<bool>(), $"max excess over the bound {(error - bound).max().item<double>():E2}");
        Assert.IsTrue(error.max().item<double>() > 1e-4, "the product was not rounded to bfloat16");
    }

    [TestMethod]
    [DataRow(DebertaVersion.V1, false)]
    [DataRow(DebertaVersion.V1, true)]
    [DataRow(DebertaVersion.V2, false)]
    public void ConversionRoundsOnlyTheEncoderProducts(DebertaVersion version, bool talkingHead)
    {
        using var scope = NewDisposeScope();
        using var model = new DebertaForSequenceClassification(Config(version, talkingHead), seed: 3);
        model.ConvertForInference(DebertaPrecision.BFloat16);

        Assert.AreEqual(DebertaPrecision.BFloat16, model.Precision);
        var dtypes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.dtype);
        var converted = dtypes.Where(p => p.Value == ScalarType.BFloat16).Select(p => p.Key).ToList();
        var products = dtypes.Keys.Where(IsEncoderProduct).ToList();
        Assert.IsNotEmpty(products);
        CollectionAssert.AreEquivalent(products, converted);
    }

    // Every Linear of the layer stack except the talking-head mixes; not LayerNorms, q/v biases, tables or the head.
    private static bool IsEncoderProduct(string key) =>
        key.StartsWith("deberta.encoder.layer.", StringComparison.Ordinal)
        && !key.Contains("LayerNorm", StringComparison.Ordinal)
        && !key.Contains("head_", StringComparison.Ordinal)
        && !key.EndsWith("q_bias", StringComparison.Ordinal) && !key.EndsWith("v_bias", StringComparison.Ordinal);

    [TestMethod]
    [DataRow(DebertaVersion.V1, false)]
    [DataRow(DebertaVersion.V1, true)]
    [DataRow(DebertaVersion.V2, false)]
    public void LayersAttentionAndLogitsStayCloseToFloat32(DebertaVersion version, bool talkingHead)
    {
        using var scope = NewDisposeScope();
        var config = Config(version, talkingHead);
        using var reference = new DebertaForSequenceClassification(config, seed: 5);
        using var model = new DebertaForSequenceClassification(config, seed: 5);
        model.ConvertForInference(DebertaPrecision.BFloat16);
        // Fully masked query rows must stay finite.
        var (ids, mask) = PaddedBatch();

        using var expected = reference.Predict(ids, mask, outputHiddenStates: true, outputAttentions: true);
        using var actual = model.Predict(ids, mask, outputHiddenStates: true, outputAttentions: true);

        Assert.IsTrue(actual.Tensors.All(t => t.dtype == ScalarType.Float32), "every output is float32");
        Assert.IsTrue(actual.Tensors.All(t => t.isfinite().all().item<bool>()), "every output is finite");
        // The embedding output is computed in float32 either way.
        Assert.AreEqual(0.0, MaxDifference(actual.HiddenStates![0], expected.HiddenStates![0]));
        for (int i = 1; i < expected.HiddenStates!.Count; i++)
            AssertClose($"hidden_states.{i}", actual.HiddenStates[i], expected.HiddenStates[i], 0.03);
        for (int i = 0; i < expected.Attentions!.Count; i++)
            AssertClose($"attentions.{i}", actual.Attentions![i], expected.Attentions[i], 5e-4);
        AssertClose("logits", actual.Logits, expected.Logits, 2e-5);
    }

    /// <summary>
    /// Without attentions to return, a bfloat16 model softmaxes its bfloat16 scores in bfloat16 storage (libtorch
    /// computes in float32 and rounds once); with them, it widens the scores and softmaxes in float32, and the product
    /// with the values rounds those probabilities to bfloat16. Both must give the same bits, padded rows included.
    /// </summary>
    [TestMethod]
    [DataRow(DebertaVersion.V1, false)]
    [DataRow(DebertaVersion.V1, true)]
    [DataRow(DebertaVersion.V2, false)]
    public void TheBFloat16SoftmaxEqualsTheRoundedFloat32Softmax(DebertaVersion version, bool talkingHead)
    {
        using var scope = NewDisposeScope();
        using var model = new DebertaForSequenceClassification(Config(version, talkingHead), seed: 5);
        model.ConvertForInference(DebertaPrecision.BFloat16);
        var (ids, mask) = PaddedBatch();

        using var float32Softmax = model.Predict(ids, mask, outputHiddenStates: true, outputAttentions: true);
        using var bfloat16Softmax = model.Predict(ids, mask, outputHiddenStates: true, outputAttentions: false);

        Assert.IsNull(bfloat16Softmax.Attentions);
        Assert.IsTrue(bfloat16Softmax.Tensors.All(t => t.isfinite().all().item<bool>()), "every output is finite");
        for (int i = 0; i < float32Softmax.HiddenStates!.Count; i++)
            Assert.IsTrue(bfloat16Softmax.HiddenStates![i].Identical(float32Softmax.HiddenStates[i]), $"hidden_states.{i} differ");
        Assert.IsTrue(bfloat16Softmax.Logits.Identical(float32Softmax.Logits), "the logits differ");
    }

    private void AssertClose(string what, Tensor actual, Tensor expected, double bound)
    {
        double difference = MaxDifference(actual, expected);
        TestContext.WriteLine($"bf16 {what}: max |Δ| {difference:E2} (bound {bound})");
        Assert.IsTrue(difference <= bound, $"{what}: max |Δ| {difference:E3} > {bound}");
        Assert.IsTrue(difference > 0, $"{what}: identical to float32, so bfloat16 was not used");
    }

    private static double MaxDifference(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [TestMethod]
    public void ATrainingModeForwardOfAConvertedModelIsRefused()
    {
        using var scope = NewDisposeScope();
        using var model = new DebertaForSequenceClassification(Config(DebertaVersion.V2, false), seed: 1);
        model.ConvertForInference(DebertaPrecision.BFloat16);
        model.train();
        var ids = torch.tensor(new long[] { 1, 7, 9, 2 }, 1, 4);

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => model.Forward(ids));
        StringAssert.Contains(error.Message, "training mode");
        using var output = model.Predict(ids);   // Predict switches to eval for the call
        Assert.AreEqual(ScalarType.Float32, output.Logits.dtype);
    }

    [TestMethod]
    public void Float32AfterBFloat16AndUndefinedPrecisionsAreRefused()
    {
        using var model = new DebertaModel(Config(DebertaVersion.V1, false), seed: 1);
        model.ConvertForInference(DebertaPrecision.Float32);
        Assert.AreEqual(DebertaPrecision.Float32, model.Precision);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.ConvertForInference((DebertaPrecision)7));

        model.ConvertForInference(DebertaPrecision.BFloat16);
        model.ConvertForInference(DebertaPrecision.BFloat16);   // a no-op the second time
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => model.ConvertForInference(DebertaPrecision.Float32));
        StringAssert.Contains(error.Message, "load the model again");
    }

    [TestMethod]
    public void AConvertedModelSavesItsBFloat16WeightsAndLoadsBackToTheSameOutputs()
    {
        using var scope = NewDisposeScope();
        var folder = Path.Combine(Path.GetTempPath(), "deberta-bf16-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var model = new DebertaForSequenceClassification(Config(DebertaVersion.V2, false), seed: 2);
            model.ConvertForInference(DebertaPrecision.BFloat16);
            model.SavePretrained(folder);
            using var loaded = DebertaCheckpoint.Load<DebertaForSequenceClassification>(folder, new CheckpointLoadOptions { Precision = DebertaPrecision.BFloat16 });
            var ids = torch.randint(5, 90, [2, 10], generator: new Generator(3));

            using var expected = model.Predict(ids);
            using var actual = loaded.Predict(ids);
            Assert.IsTrue(actual.Logits.Identical(expected.Logits), "the saved bfloat16 weights load back exactly");
            Assert.AreEqual(ScalarType.BFloat16, SafeTensorsFile.Read(Path.Combine(folder, "model.safetensors"))
                .Single(p => p.Key.EndsWith("layer.0.intermediate.dense.weight", StringComparison.Ordinal)).Value.dtype);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void CheckpointLoadOptionsRefuseAnUndefinedPrecisionBeforeLoading()
    {
        Assert.AreEqual(DebertaPrecision.Float32, new CheckpointLoadOptions().Precision);
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CheckpointLoadOptions { Precision = (DebertaPrecision)2 });
        StringAssert.Contains(error.Message, "Precision must be Float32 or BFloat16");
    }

    /// <summary>Three rows of 12 random ids for <see cref="Config"/>'s models, the last two padded (after 8 and 3 tokens).</summary>
    internal static (Tensor Ids, Tensor Mask) PaddedBatch()
    {
        var ids = torch.randint(5, 90, [3, 12], generator: new Generator(11));
        var mask = torch.ones(3, 12, dtype: ScalarType.Int64);
        mask[1, TensorIndex.Slice(8)] = torch.tensor(0L);
        mask[2, TensorIndex.Slice(3)] = torch.tensor(0L);
        return (ids, mask);
    }

    /// <summary>A two-layer model of each attention kind (v1 with or without talking heads, v2 with log buckets and shared keys).</summary>
    internal static DebertaConfig Config(DebertaVersion version, bool talkingHead) => new(version)
    {
        VocabSize = 100,
        HiddenSize = 64,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        IntermediateSize = 128,
        MaxPositionEmbeddings = 32,
        RelativeAttention = true,
        PosAttType = ["c2p", "p2c"],
        PositionBiasedInput = version == DebertaVersion.V1,
        TalkingHead = talkingHead ? true : null,
        PositionBuckets = version == DebertaVersion.V2 ? 8 : null,
        MaxRelativePositions = version == DebertaVersion.V2 ? 16 : -1,
        ShareAttKey = version == DebertaVersion.V2 ? true : null,
        NormRelEbd = version == DebertaVersion.V2 ? "layer_norm" : null,
        NumLabels = 3,
    };
}
