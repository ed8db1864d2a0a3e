using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.Deberta.Onnx.Proto;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>The exported file's form (opset, domains, input and output names, dynamic axes) and the exporter's refusals.</summary>
[TestClass]
public sealed class DebertaOnnxExporterTests
{
    [TestMethod]
    public void FileUsesOpset17StandardOpsDynamicAxesAndTransformersInputNames()
    {
        var config = Tiny(DebertaVersion.V2);
        config.TypeVocabSize = 2;
        using var model = new DebertaForSequenceClassification(config, seed: 1);
        model.eval();
        var proto = ModelProto.Parser.ParseFrom(DebertaOnnxExporter.ExportToBytes(model));

        Assert.AreEqual(17, proto.OpsetImport.Single().Version);
        Assert.AreEqual("", proto.OpsetImport.Single().Domain);
        Assert.IsTrue(proto.Graph.Node.All(n => string.IsNullOrEmpty(n.Domain)), "every node is in the default ONNX domain");
        CollectionAssert.AreEqual(new[] { "input_ids", "attention_mask", "token_type_ids" }, proto.Graph.Input.Select(i => i.Name).ToArray());
        foreach (var input in proto.Graph.Input)
            CollectionAssert.AreEqual(new[] { "batch", "sequence" }, input.Type.TensorType.Shape.Dim.Select(d => d.DimParam).ToArray(), input.Name);
        Assert.AreEqual("logits", proto.Graph.Output.Single().Name);
        // Every weight of the model is in the file as an initializer (linear weights stored transposed).
        var names = proto.Graph.Initializer.Select(t => t.Name).ToHashSet();
        foreach (var key in model.state_dict().Keys)
            Assert.IsTrue(names.Contains(key) || names.Contains(key + ".T"), $"weight '{key}' is missing from the initializers");
    }

    [TestMethod]
    public void ModelWithoutTokenTypesHasNoTokenTypeInput()
    {
        using var model = new DebertaForSequenceClassification(Tiny(DebertaVersion.V1), seed: 1);
        model.eval();
        var proto = ModelProto.Parser.ParseFrom(DebertaOnnxExporter.ExportToBytes(model));
        CollectionAssert.AreEqual(new[] { "input_ids", "attention_mask" }, proto.Graph.Input.Select(i => i.Name).ToArray());
    }

    [TestMethod]
    public void ExportWritesAFileOnnxRuntimeLoads()
    {
        using var dir = new TemporaryDirectory();
        using var model = new DebertaForQuestionAnswering(Tiny(DebertaVersion.V2, labels: 2), seed: 1);
        model.eval();
        DebertaOnnxExporter.Export(model, dir.File("model.onnx"));
        using var session = new InferenceSession(dir.File("model.onnx"));
        CollectionAssert.AreEqual(new[] { "start_logits", "end_logits" }, session.OutputNames.ToArray());
    }

    [TestMethod]
    public void ModelInTrainingModeIsRefused()
    {
        using var model = new DebertaForSequenceClassification(Tiny(DebertaVersion.V2), seed: 1);
        model.train();
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => DebertaOnnxExporter.ExportToBytes(model));
        StringAssert.Contains(error.Message, "model.eval()");
    }

    [TestMethod]
    public void ModelConvertedToBFloat16IsRefused()
    {
        using var model = new DebertaForSequenceClassification(Tiny(DebertaVersion.V2), seed: 1);
        model.eval();
        model.ConvertForInference(DebertaPrecision.BFloat16);
        var error = Assert.ThrowsExactly<NotSupportedException>(() => DebertaOnnxExporter.ExportToBytes(model));
        StringAssert.Contains(error.Message, "BFloat16");
        StringAssert.Contains(error.Message, "float32 model");
    }

    [TestMethod]
    public void TalkingHeadIsRefusedNamingTheConfigField()
    {
        var config = Tiny(DebertaVersion.V1);
        config.TalkingHead = true;
        using var model = new DebertaForSequenceClassification(config, seed: 1);
        model.eval();
        var error = Assert.ThrowsExactly<NotSupportedException>(() => DebertaOnnxExporter.ExportToBytes(model));
        StringAssert.Contains(error.Message, "talking_head");
    }

    private static DebertaConfig Tiny(DebertaVersion version, int labels = 3)
    {
        var config = new DebertaConfig(version)
        {
            VocabSize = 50, HiddenSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 20,
            MaxPositionEmbeddings = 32, RelativeAttention = true, PosAttType = ["p2c", "c2p"], PositionBiasedInput = false,
            PositionBuckets = version == DebertaVersion.V2 ? 8 : null, ShareAttKey = version == DebertaVersion.V2 ? true : null,
        };
        config.SetLabels(Enumerable.Range(0, labels).Select(i => $"L{i}").ToArray());
        return config;
    }
}
