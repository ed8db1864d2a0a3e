using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.Deberta.Onnx.Proto;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// The float16-weight export (<see cref="OnnxWeightFormat.Float16"/>): which weights it stores as float16, that
/// ONNX Runtime folds the casts back to a float32 graph, the file size, and the refusal of a weight float16 cannot hold.
/// Its agreement with float32 is <see cref="OnnxFloat16ParityTests"/>.
/// </summary>
[TestClass]
public sealed class OnnxFloat16ExportTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void EveryWeightMatrixIsFloat16BehindACastAndVectorsStayFloat32()
    {
        // Conv layer, token types, absolute positions and embed_proj: every kind of matrix the graph can hold.
        var config = OnnxInt8ExportTests.Tiny(DebertaVersion.V2);
        config.ConvKernelSize = 3;
        config.TypeVocabSize = 2;
        config.PositionBiasedInput = true;
        config.EmbeddingSize = 24;
        using var model = new DebertaForSequenceClassification(config, seed: 1);
        model.eval();
        var proto = ModelProto.Parser.ParseFrom(DebertaOnnxExporter.ExportToBytes(model, OnnxWeightFormat.Float16));

        Assert.AreEqual("float16", proto.MetadataProps.Single(p => p.Key == "weight_format").Value);
        var initializers = proto.Graph.Initializer.ToDictionary(t => t.Name);
        var casts = proto.Graph.Node.Where(n => n.OpType == "Cast").ToLookup(n => n.Input[0]);
        foreach (var (key, value) in model.state_dict())
        {
            // Linear weights are stored transposed (key + ".T").
            var name = initializers.ContainsKey(key + ".T") ? key + ".T" : key;
            if (!initializers.TryGetValue(name, out var tensor))
                continue; // not part of the graph (v2's unused entries)
            if (value.dim() >= 2)
            {
                Assert.AreEqual((int)TensorProto.Types.DataType.Float16, tensor.DataType, $"'{name}' is a matrix: float16");
                var cast = casts[name].SingleOrDefault() ?? throw new AssertFailedException($"'{name}' is read through one Cast");
                Assert.AreEqual((long)TensorProto.Types.DataType.Float, cast.Attribute.Single(a => a.Name == "to").I, name);
                Assert.IsTrue(proto.Graph.Node.Where(n => n != cast).All(n => !n.Input.Contains(name)), $"only the Cast reads '{name}'");
            }
            else
            {
                Assert.AreEqual((int)TensorProto.Types.DataType.Float, tensor.DataType, $"'{name}' is a vector: float32");
            }
        }
        foreach (var matrix in new[] { "deberta.embeddings.word_embeddings.weight", "deberta.embeddings.position_embeddings.weight",
            "deberta.embeddings.token_type_embeddings.weight", "deberta.embeddings.embed_proj.weight.T", "deberta.encoder.rel_embeddings.weight",
            "deberta.encoder.conv.conv.weight", "deberta.encoder.layer.0.attention.self.query_proj.weight.T", "classifier.weight.T" })
            Assert.AreEqual((int)TensorProto.Types.DataType.Float16, initializers[matrix].DataType, matrix);
    }

    [TestMethod]
    public void OnnxRuntimeFoldsTheCastsIntoTheFloat32Graph()
    {
        // The variant runs at float32 speed because ONNX Runtime's constant folding turns each Cast(float16 weight)
        // into a float32 initializer when it opens the session: the optimised graph is the float32 export's, op for op.
        var config = OnnxInt8ExportTests.Tiny(DebertaVersion.V1);
        using var model = new DebertaForSequenceClassification(config, seed: 1);
        model.eval();
        var float16 = OnnxRuntimeRun.Optimized(DebertaOnnxExporter.ExportToBytes(model, OnnxWeightFormat.Float16), GraphOptimizationLevel.ORT_ENABLE_ALL);
        var float32 = OnnxRuntimeRun.Optimized(DebertaOnnxExporter.ExportToBytes(model), GraphOptimizationLevel.ORT_ENABLE_ALL);

        Assert.IsFalse(float16.Initializer.Any(t => t.DataType == (int)TensorProto.Types.DataType.Float16), "no float16 initializer is left");
        Assert.AreEqual(Ops(float32), Ops(float16));
    }

    [TestMethod]
    public void WeightsOfAGoldenModelTakeAboutHalfTheFloat32Bytes()
    {
        // A golden checkpoint is tiny (hidden size 32): its graph's nodes and int64 constants are a ninth of the float32
        // file (measured: 13.7 of 122.6 KB), so the whole file shrinks to 0.58 only; the weights, nearly all of a real
        // model's file, halve (measured 0.52: biases and layer norms stay float32).
        using var scope = NewDisposeScope();
        var model = DebertaCheckpoint.Load(GoldenData.Bundled("models", "v1_rel_c2p_p2c", "seqcls"));
        model.eval();
        var float32 = ModelProto.Parser.ParseFrom(DebertaOnnxExporter.ExportToBytes(model));
        var float16 = ModelProto.Parser.ParseFrom(DebertaOnnxExporter.ExportToBytes(model, OnnxWeightFormat.Float16));
        long weights32 = float32.Graph.Initializer.Sum(t => (long)t.RawData.Length + 4L * t.FloatData.Count + 8L * t.Int64Data.Count);
        long weights16 = float16.Graph.Initializer.Sum(t => (long)t.RawData.Length + 4L * t.FloatData.Count + 8L * t.Int64Data.Count);
        TestContext.WriteLine($"onnx fp16 v1_rel_c2p_p2c/seqcls: initializers {weights16} bytes against {weights32} as float32 " +
            $"({(double)weights16 / weights32:F3}); file {float16.CalculateSize()} against {float32.CalculateSize()} ({(double)float16.CalculateSize() / float32.CalculateSize():F3})");
        Assert.IsLessThanOrEqualTo(0.55 * weights32, weights16);
    }

    [TestMethod]
    public void FileOfAModelOfRealProportionsIsAboutHalfTheFloat32File()
    {
        // Hidden 256, vocabulary 4000: large enough that the weights dominate the file, as they do in every released model.
        var config = OnnxInt8ExportTests.Tiny(DebertaVersion.V2);
        config.HiddenSize = 256;
        config.IntermediateSize = 1024;
        config.VocabSize = 4000;
        using var model = new DebertaForSequenceClassification(config, seed: 1);
        model.eval();
        long float32 = DebertaOnnxExporter.ExportToBytes(model).LongLength;
        long float16 = DebertaOnnxExporter.ExportToBytes(model, OnnxWeightFormat.Float16).LongLength;
        TestContext.WriteLine($"onnx fp16 hidden 256: file {float16} bytes against {float32} as float32 ({(double)float16 / float32:F3})");
        Assert.IsLessThanOrEqualTo(0.55 * float32, float16);
    }

    [TestMethod]
    public void ExternalDataHoldsTheFloat16WeightsAndScoresAsTheInlineFile()
    {
        // Past 2 GB of float16 weights (deberta-v2-xxlarge's 1.5 billion parameters: 3 GB) the file needs external data too.
        using var model = new DebertaForSequenceClassification(OnnxInt8ExportTests.Tiny(DebertaVersion.V2), seed: 1);
        model.eval();
        using var work = new TemporaryDirectory();
        DebertaOnnxExporter.Export(model, work.File("model.onnx"), inlineWeightLimit: 0, OnnxWeightFormat.Float16);

        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(work.File("model.onnx")));
        var moved = proto.Graph.Initializer.Where(t => t.DataLocation == TensorProto.Types.DataLocation.External).ToList();
        Assert.IsTrue(moved.Any(t => t.DataType == (int)TensorProto.Types.DataType.Float16), "float16 weights go to the side file");
        foreach (var tensor in moved.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float16))
            Assert.AreEqual(tensor.Dims.Aggregate(1L, (a, b) => a * b) * 2, long.Parse(tensor.ExternalData.Single(e => e.Key == "length").Value), tensor.Name);

        using var inline = DebertaOnnxModel.Load(DebertaOnnxExporter.ExportToBytes(model, OnnxWeightFormat.Float16));
        using var external = DebertaOnnxModel.Load(work.File("model.onnx"));
        int[][] rows = [[5, 17, 42, 9], [7, 3, 88]];
        CollectionAssert.AreEqual(inline.Score(rows)["logits"].Values.ToArray(), external.Score(rows)["logits"].Values.ToArray());
    }

    [TestMethod]
    public void WeightBeyondFloat16RangeIsRefusedNamingIt()
    {
        using var model = new DebertaForSequenceClassification(OnnxInt8ExportTests.Tiny(DebertaVersion.V1), seed: 1);
        model.eval();
        using (no_grad())
            model.state_dict()["classifier.weight"][1, 2] = tensor(1e5f);

        var error = Assert.ThrowsExactly<NotSupportedException>(() => DebertaOnnxExporter.ExportToBytes(model, OnnxWeightFormat.Float16));
        StringAssert.Contains(error.Message, "classifier.weight");
        StringAssert.Contains(error.Message, "OnnxWeightFormat.Float32");
        DebertaOnnxExporter.ExportToBytes(model); // float32 still exports it
    }

    private static string Ops(GraphProto graph) =>
        string.Join(", ", graph.Node.GroupBy(n => n.OpType).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} ×{g.Count()}"));
}
