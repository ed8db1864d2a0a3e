using Google.Protobuf;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.Deberta.Onnx.Proto;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tests.FakeModel;
using Microsoft.ML.Deberta.Tests.MLNet;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>Bad input to the ML.NET entry points that score through ONNX Runtime: each a clear error naming what and where.</summary>
[TestClass]
public sealed class OnnxTextScoringErrorTests
{
    private static readonly MLContext MLContext = new(seed: 1);
    private static readonly IDataView Data = MLContext.Data.LoadFromEnumerable(new[] { new TextRow { Text = "a,b" } });

    [TestMethod]
    public void AMissingOnnxFileIsRefusedWhenTheStepIsMade()
    {
        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls");
        var path = Path.Combine(checkpoint.Path, "absent.onnx");
        var error = Assert.ThrowsExactly<FileNotFoundException>(() => MLContext.Transforms.Deberta.ApplyOnnxTextModel(path));
        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "DebertaOnnxExporter.Export");
    }

    [TestMethod]
    public void AnOnnxFileWithoutConfigBesideItIsRefusedNamingConfigJson()
    {
        using var folder = new TemporaryDirectory();
        var path = folder.Write("model.onnx", ExportGolden("seqcls"));
        var error = Assert.ThrowsExactly<FileNotFoundException>(() => MLContext.Transforms.Deberta.ApplyOnnxTextModel(path));
        StringAssert.Contains(error.Message, "config.json");
        StringAssert.Contains(error.Message, folder.Path);
    }

    [TestMethod]
    public void ATruncatedOnnxFileIsRefusedAtFitNamingThePath()
    {
        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls");
        var bytes = ExportGolden("seqcls");
        var path = Path.Combine(checkpoint.Path, "model.onnx");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var estimator = MLContext.Transforms.Deberta.ApplyOnnxTextModel(path);
        var error = Assert.ThrowsExactly<InvalidDataException>(() => estimator.Fit(Data));
        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "truncated");
    }

    [TestMethod]
    public void AGraphWhoseInputsAreNotTheTokenizersIsRefusedAtFit()
    {
        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls");
        var graph = new GraphProto { Name = "other" };
        graph.Input.Add(OnnxGraphBuilder.Value("pixels", TensorProto.Types.DataType.Float, "batch", 3));
        graph.Output.Add(OnnxGraphBuilder.Value("logits", TensorProto.Types.DataType.Float, "batch", 3));
        graph.Node.Add(new NodeProto { OpType = "Identity", Input = { "pixels" }, Output = { "logits" } });
        var proto = new ModelProto { IrVersion = 8, Graph = graph, OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 17 } } };
        var path = Path.Combine(checkpoint.Path, "model.onnx");
        File.WriteAllBytes(path, proto.ToByteArray());
        var error = Assert.ThrowsExactly<InvalidDataException>(() => MLContext.Transforms.Deberta.ApplyOnnxTextModel(path).Fit(Data));
        StringAssert.Contains(error.Message, "pixels");
        StringAssert.Contains(error.Message, "input_ids");
    }

    [TestMethod]
    [DataRow("qa", "start_logits")]
    [DataRow("tokcls", "[?, ?, 5]")]
    [DataRow("regression", "[?, 1]")]
    public void AGraphOfAnotherHeadThanTheConfigIsRefusedAtFit(string head, string described)
    {
        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls");
        var path = Path.Combine(checkpoint.Path, "model.onnx");
        File.WriteAllBytes(path, ExportGolden(head));
        var error = Assert.ThrowsExactly<InvalidDataException>(() => MLContext.Transforms.Deberta.ApplyOnnxTextModel(path).Fit(Data));
        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, described);
    }

    [TestMethod]
    public void LoadingAStepOfAnotherKindWithOnnxRuntimeIsRefusedNamingItsKind()
    {
        using var step = TestModels.Transformer(MLContext, FakeTextScorer.Random(3, seed: 3));
        using var folder = new TemporaryDirectory();
        DebertaModelIO.Save(MLContext, step, Data.Schema, folder.File("model.zip"));
        var error = Assert.ThrowsExactly<NotSupportedException>(() => DebertaModelIO.Load(MLContext, folder.File("model.zip"), out _,
            OnnxRuntimeLoaders.Wrap([.. TextScorerLoaders.BuiltIn, .. FakeTextScorerLoader.All]), runtime: DebertaScoringRuntime.OnnxRuntime));
        StringAssert.Contains(error.Message, FakeTextScorer.Kind);
        StringAssert.Contains(error.Message, "DebertaScoringRuntime.TorchSharp");
    }

    [TestMethod]
    public void AnOnnxEmbedderRefusesAnEmptyTextAsTheTorchSharpOneDoes()
    {
        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "base");
        using var step = MLContext.Transforms.Deberta.TextEmbedding(checkpoint.Path).Fit(Data);
        using var folder = new TemporaryDirectory();
        DebertaModelIO.Save(MLContext, step, Data.Schema, folder.File("model.zip"));
        using var onnx = (TextScoringTransformer)DebertaModelIO.Load(MLContext, folder.File("model.zip"), out _, DebertaScoringRuntime.OnnxRuntime);
        var empty = MLContext.Data.LoadFromEnumerable(new[] { new TextRow { Text = "a" }, new TextRow { Text = " " } });
        var expected = Assert.ThrowsExactly<InvalidDataException>(() => step.Transform(empty).GetColumn<float[]>("Features").ToList());
        var actual = Assert.ThrowsExactly<InvalidDataException>(() => onnx.Transform(empty).GetColumn<float[]>("Features").ToList());
        Assert.AreEqual(expected.Message, actual.Message);
        StringAssert.Contains(actual.Message, "text 2 of a batch of 2 rows is empty");
    }

    [TestMethod]
    public void AnOnnxFillMaskStepRefusesATextWithoutAMaskAsTheTorchSharpOneDoes()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "pipelines", "v3_mlm");
        var masked = MLContext.Data.LoadFromEnumerable(new[] { new TextRow { Text = "It is [MASK]." } });
        using var step = MLContext.Transforms.Deberta.FillMask(folder, maxLength: 32).Fit(masked);
        using var work = new TemporaryDirectory();
        DebertaModelIO.Save(MLContext, step, masked.Schema, work.File("model.zip"));
        using var onnx = (StructuredScoringTransformer)DebertaModelIO.Load(MLContext, work.File("model.zip"), out _, DebertaScoringRuntime.OnnxRuntime);
        var unmasked = MLContext.Data.LoadFromEnumerable(new[] { new TextRow { Text = "It is [MASK]." }, new TextRow { Text = "It is <mask>." } });
        var expected = Assert.ThrowsExactly<InvalidDataException>(() => step.Transform(unmasked).GetColumn<float[]>("Score").ToList());
        var actual = Assert.ThrowsExactly<InvalidDataException>(() => onnx.Transform(unmasked).GetColumn<float[]>("Score").ToList());
        Assert.AreEqual(expected.Message, actual.Message);
        StringAssert.Contains(actual.Message, "text 2 of a batch of 2 rows");
        StringAssert.Contains(actual.Message, "<mask>");
    }

    [TestMethod]
    public void LoadingAModelWithAnUnsupportedSettingWithOnnxRuntimeNamesTheSetting()
    {
        var config = DebertaConfig.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "models", "v1_rel_c2p_p2c", "regression"));
        config.TalkingHead = true;
        var tokenizer = DebertaTokenizerBase.FromFolder(DebertaTestData.V1TokenizerFolder);
        var encoding = new TextEncodingSettings { MaxLength = 16, Stride = 4 };
        var scorer = new DebertaTextScorer(tokenizer, new DebertaForSequenceClassification(config, seed: 1), encoding, batchSize: 2);
        using var step = new TextScoringTransformer(DebertaCatalog.For(MLContext).Environment, scorer, new TextColumns("Text", null),
            PredictionColumns.Regression(new OutputColumnNames()), batchSize: 2);
        var error = Assert.ThrowsExactly<NotSupportedException>(() => SaveAndLoadWithOnnxRuntime(step));
        StringAssert.Contains(error.Message, "talking_head");
    }

    private static byte[] ExportGolden(string head)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "models", "v1_rel_c2p_p2c", head);
        using var model = DebertaCheckpoint.Load(folder);
        model.eval();
        return DebertaOnnxExporter.ExportToBytes(model);
    }

    private static void SaveAndLoadWithOnnxRuntime(ITransformer step)
    {
        using var folder = new TemporaryDirectory();
        DebertaModelIO.Save(MLContext, step, Data.Schema, folder.File("model.zip"));
        (DebertaModelIO.Load(MLContext, folder.File("model.zip"), out _, DebertaScoringRuntime.OnnxRuntime) as IDisposable)?.Dispose();
    }
}
