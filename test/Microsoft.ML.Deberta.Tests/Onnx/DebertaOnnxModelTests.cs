using Google.Protobuf;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.Deberta.Onnx.Proto;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>The ONNX Runtime scorer: golden logits from both our export and torch's, batching, and its refusals.</summary>
[TestClass]
public sealed class DebertaOnnxModelTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [TestCategory("Parity")]
    public void ScorerReproducesTorchLogitsFromOurExportAndFromTorchExport()
    {
        foreach (var folder in GoldenOnnxFolders.FindAll())
        {
            using var scope = NewDisposeScope();
            var golden = SafeTensorsFile.Read(Path.Combine(folder, "golden_outputs.safetensors"));
            var ids = Rows(golden["input.input_ids"]);
            var mask = Rows(golden["input.attention_mask"]);
            var model = DebertaCheckpoint.Load(folder);
            model.eval();
            using var ours = DebertaOnnxModel.Load(DebertaOnnxExporter.ExportToBytes(model));
            using var theirs = DebertaOnnxModel.Load(Path.Combine(folder, "model.onnx"));
            foreach (var (label, scorer) in new[] { ("our export", ours), ("torch export", theirs) })
            {
                var logits = scorer.Score(ids, mask)["logits"];
                float delta = OnnxRuntimeRun.MaxAbsDifference(logits.Values, golden["logits_torch"]);
                TestContext.WriteLine($"onnx {Path.GetFileName(folder)} ({label}, DebertaOnnxModel): max |Δlogits| {delta:G3}");
                Assert.IsLessThanOrEqualTo(1e-5f, delta, $"{Path.GetFileName(folder)} ({label})");
            }
        }
    }

    [TestMethod]
    public void BatchOfUnequalRowsScoresAsEachRowAlone()
    {
        using var model = new DebertaForSequenceClassification(Tiny(), seed: 2);
        model.eval();
        using var scorer = DebertaOnnxModel.Load(DebertaOnnxExporter.ExportToBytes(model));
        int[][] rows = [[1, 5, 9, 2], [1, 7, 2], [1, 3, 4, 8, 11, 12, 2]];
        var batch = scorer.Score(rows)["logits"];
        CollectionAssert.AreEqual(new long[] { 3, 3 }, batch.Shape);
        for (int r = 0; r < rows.Length; r++)
        {
            var alone = scorer.Score([rows[r]])["logits"].Values;
            var inBatch = batch.Row(r).ToArray();
            for (int k = 0; k < alone.Length; k++)
                Assert.AreEqual(alone[k], inBatch[k], 1e-5f, $"row {r}, class {k}");
        }
    }

    [TestMethod]
    public void TruncatedFileIsAClearError()
    {
        using var dir = new TemporaryDirectory();
        using var model = new DebertaForSequenceClassification(Tiny(), seed: 2);
        model.eval();
        var bytes = DebertaOnnxExporter.ExportToBytes(model);
        var path = dir.Write("model.onnx", bytes[..(bytes.Length / 2)]);
        var error = Assert.ThrowsExactly<InvalidDataException>(() => DebertaOnnxModel.Load(path));
        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "truncated");
    }

    [TestMethod]
    public void GraphWhoseInputsAreNotTheTokenizersIsRefused()
    {
        var graph = new GraphProto { Name = "other" };
        graph.Input.Add(OnnxGraphBuilder.Value("pixels", TensorProto.Types.DataType.Float, "batch", 3));
        graph.Output.Add(OnnxGraphBuilder.Value("y", TensorProto.Types.DataType.Float, "batch", 3));
        graph.Node.Add(new NodeProto { OpType = "Identity", Input = { "pixels" }, Output = { "y" } });
        var proto = new ModelProto { IrVersion = 8, Graph = graph, OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 17 } } };
        var error = Assert.ThrowsExactly<InvalidDataException>(() => DebertaOnnxModel.Load(proto.ToByteArray()));
        StringAssert.Contains(error.Message, "pixels");
        StringAssert.Contains(error.Message, "input_ids");
    }

    [TestMethod]
    public void MaskRowOfAnotherLengthIsRefusedNamingTheRow()
    {
        using var model = new DebertaForSequenceClassification(Tiny(), seed: 2);
        model.eval();
        using var scorer = DebertaOnnxModel.Load(DebertaOnnxExporter.ExportToBytes(model));
        var error = Assert.ThrowsExactly<ArgumentException>(() => scorer.Score([[1, 2, 3], [1, 2]], [[1, 1, 1], [1, 1, 1]]));
        StringAssert.Contains(error.Message, "Row 1 of attentionMask");
    }

    private static int[][] Rows(Tensor tensor)
    {
        using var cpu = tensor.to(ScalarType.Int64).contiguous();
        var values = cpu.data<long>().ToArray();
        int width = (int)tensor.shape[1];
        return Enumerable.Range(0, (int)tensor.shape[0]).Select(r => values.Skip(r * width).Take(width).Select(v => (int)v).ToArray()).ToArray();
    }

    private static DebertaConfig Tiny()
    {
        var config = new DebertaConfig(DebertaVersion.V2)
        {
            VocabSize = 50, HiddenSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 20,
            MaxPositionEmbeddings = 32, RelativeAttention = true, PosAttType = ["p2c", "c2p"], PositionBiasedInput = false,
            PositionBuckets = 8, ShareAttKey = true,
        };
        config.SetLabels(["a", "b", "c"]);
        return config;
    }
}
