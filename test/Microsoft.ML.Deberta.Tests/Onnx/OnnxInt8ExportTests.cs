using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.Deberta.Onnx.Proto;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// The int8 export (<see cref="OnnxWeightFormat.Int8"/>): which linears it quantises, that ONNX Runtime loads it for
/// every variant and head, and how far its outputs move from the float32 export's.
/// </summary>
[TestClass]
public sealed class OnnxInt8ExportTests
{
    // Measured (printed lines): the bundled golden classifiers' int8 logits differ from their float32 export's by at
    // most 0.45% of the largest float32 logit (v2_conv_xlarge_like; the largest |Δ| is 8.6e-4); the tiny random
    // heads here by at most 1.5% (the bare model's last_hidden_state, |Δ| 0.048). 5% leaves room for other inputs
    // and is far below what a wrong scale or layout gives (outputs of another magnitude, or noise).
    private const float RelativeBound = 0.05f;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void EveryEncoderLinearRunsAsMatMulIntegerAndTheHeadStaysFloat32()
    {
        var config = Tiny(DebertaVersion.V2);
        using var model = new DebertaForSequenceClassification(config, seed: 1);
        model.eval();
        var proto = ModelProto.Parser.ParseFrom(DebertaOnnxExporter.ExportToBytes(model, OnnxWeightFormat.Int8));

        Assert.IsTrue(proto.Graph.Node.All(n => string.IsNullOrEmpty(n.Domain)), "every node is in the default ONNX domain");
        Assert.AreEqual("int8", proto.MetadataProps.Single(p => p.Key == "weight_format").Value);
        // Per layer: query, key, value, attention output, intermediate, output, and the shared key/query projections
        // of the relative embeddings (share_att_key): 8 MatMulIntegers, each after its own DynamicQuantizeLinear.
        Assert.AreEqual(8 * config.NumHiddenLayers, proto.Graph.Node.Count(n => n.OpType == "MatMulInteger"));
        Assert.AreEqual(8 * config.NumHiddenLayers, proto.Graph.Node.Count(n => n.OpType == "DynamicQuantizeLinear"));
        var initializers = proto.Graph.Initializer.ToDictionary(t => t.Name);
        foreach (var key in model.state_dict().Keys.Where(k => k.Contains(".encoder.layer.") && k.EndsWith(".weight") && !k.Contains("LayerNorm")))
        {
            Assert.IsFalse(initializers.ContainsKey(key + ".T"), $"'{key}' has no float32 copy");
            var values = initializers[key + ".T.int8"];
            Assert.AreEqual((int)TensorProto.Types.DataType.Int8, values.DataType, key);
            var scales = initializers[key + ".T.scale"];
            Assert.AreEqual(values.Dims[1], scales.Dims.Single(), $"{key}: one scale per output channel");
        }
        // Embeddings, pooler and classifier keep float32 weights.
        foreach (var key in new[] { "deberta.embeddings.word_embeddings.weight", "pooler.dense.weight.T", "classifier.weight.T" })
            Assert.AreEqual((int)TensorProto.Types.DataType.Float, initializers[key].DataType, key);
    }

    [TestMethod]
    public void OnnxRuntimeFusesEveryInt8LinearIntoItsInt8Kernels()
    {
        // The int8 file's speed rests on this: ONNX Runtime's MatMulIntegerToFloat fusion only matches the chain
        // MatMulInteger → Cast → Mul(·, Mul(x_scale, w_scale)) → Add(bias) with single-consumer links; unfused, each
        // linear would run as five separate ops. (Linears reading the same input — v1's pos_proj and pos_q_proj on the
        // relative rows — share one DynamicQuantizeLinear after ORT's common-subexpression elimination and keep it
        // separate; the others fold it in as DynamicQuantizeMatMul.)
        var config = Tiny(DebertaVersion.V1);
        using var model = new DebertaForSequenceClassification(config, seed: 1);
        model.eval();
        var nodes = OnnxRuntimeRun.Optimized(DebertaOnnxExporter.ExportToBytes(model, OnnxWeightFormat.Int8), GraphOptimizationLevel.ORT_ENABLE_EXTENDED).Node;
        var ops = string.Join(", ", nodes.GroupBy(n => n.OpType).Select(g => $"{g.Key} ×{g.Count()}"));

        // v1 per layer: in_proj, pos_proj, pos_q_proj, attention output, intermediate, output.
        int fused = nodes.Count(n => n.OpType is "DynamicQuantizeMatMul" or "MatMulIntegerToFloat");
        Assert.AreEqual(6 * config.NumHiddenLayers, fused, ops);
        Assert.AreEqual(0, nodes.Count(n => n.OpType == "MatMulInteger"), $"no int8 product is left unfused: {ops}");
        Assert.AreEqual(4 * config.NumHiddenLayers, nodes.Count(n => n.OpType == "DynamicQuantizeMatMul"), ops);
    }

    [TestMethod]
    public void GoldenClassifiersStayCloseToTheirFloat32Export()
    {
        var root = GoldenData.Bundled("models");
        foreach (var variant in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            using var scope = NewDisposeScope();
            var model = DebertaCheckpoint.Load(Path.Combine(variant, "seqcls"));
            AssertClose(Path.GetFileName(variant) + "/seqcls", model);
        }
    }

    [TestMethod]
    public void EveryHeadOfV1AndV2LoadsAndStaysClose()
    {
        foreach (var version in new[] { DebertaVersion.V1, DebertaVersion.V2 })
        {
            using var scope = NewDisposeScope();
            var config = Tiny(version);
            AssertClose($"{version} tokencls", new DebertaForTokenClassification(config, seed: 2));
            AssertClose($"{version} model", new DebertaModel(config, seed: 3));
            AssertClose($"{version} mlm", new DebertaForMaskedLM(config, seed: 4));
            var qa = config.Clone();
            qa.SetLabels(["start", "end"]);
            AssertClose($"{version} qa", new DebertaForQuestionAnswering(qa, seed: 5));
        }
    }

    [TestMethod]
    public void UndefinedWeightFormatIsRefused()
    {
        using var model = new DebertaForSequenceClassification(Tiny(DebertaVersion.V1), seed: 1);
        model.eval();
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => DebertaOnnxExporter.ExportToBytes(model, (OnnxWeightFormat)7));
        StringAssert.Contains(error.Message, "OnnxWeightFormat.Int8");
    }

    // Both exports scored by ONNX Runtime on the same random batches (the last row half padding); every output compared.
    private void AssertClose(string name, DebertaPreTrainedModel model)
    {
        model.eval();
        using var float32 = new InferenceSession(DebertaOnnxExporter.ExportToBytes(model));
        using var int8 = new InferenceSession(DebertaOnnxExporter.ExportToBytes(model, OnnxWeightFormat.Int8));
        var generator = new TorchSharp.torch.Generator(11);
        float worst = 0, worstRelative = 0;
        foreach (var (batch, length) in new[] { (2, 9), (3, 40) })
        {
            using var scope = NewDisposeScope();
            var inputs = OnnxRuntimeRun.RandomInputs(model.Config, batch, length, generator);
            foreach (var output in float32.OutputNames)
            {
                var (expected, expectedShape) = OnnxRuntimeRun.Run(float32, inputs, output);
                var (actual, shape) = OnnxRuntimeRun.Run(int8, inputs, output);
                CollectionAssert.AreEqual(expectedShape, shape, $"{name}: shape of '{output}'");
                float delta = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
                float magnitude = expected.Max(Math.Abs);
                Assert.IsTrue(actual.All(float.IsFinite), $"{name}: '{output}' has non-finite values");
                worst = Math.Max(worst, delta);
                worstRelative = Math.Max(worstRelative, delta / magnitude);
                Assert.IsLessThanOrEqualTo(RelativeBound * magnitude, delta,
                    $"{name}: '{output}' at batch {batch}, length {length}: max |Δ| {delta:G3} against max |float32| {magnitude:G3}");
            }
        }
        TestContext.WriteLine($"onnx int8 {name}: max |Δ| {worst:G3} against float32, {worstRelative:P2} of the largest float32 output");
    }

    /// <summary>A 2-layer, hidden-32 config with relative attention (v2: 8 buckets, shared key/query projections) and 3 labels.</summary>
    internal static DebertaConfig Tiny(DebertaVersion version)
    {
        var config = new DebertaConfig(version)
        {
            VocabSize = 100, HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 37,
            MaxPositionEmbeddings = 64, RelativeAttention = true, PosAttType = ["p2c", "c2p"], PositionBiasedInput = false,
            PositionBuckets = version == DebertaVersion.V2 ? 8 : null, ShareAttKey = version == DebertaVersion.V2 ? true : null,
        };
        config.SetLabels(["a", "b", "c"]);
        return config;
    }
}
