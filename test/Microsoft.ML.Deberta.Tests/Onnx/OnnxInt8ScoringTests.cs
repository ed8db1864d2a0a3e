using System.IO.Compression;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.Deberta.Onnx.Proto;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tests.FakeModel;
using Microsoft.ML.Deberta.Tests.MLNet;
using Microsoft.ML.Deberta.Tests.MLNet.TokenClassification;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// The int8 export through the ML.NET layer: <c>DebertaModelIO.Load(…, DebertaScoringRuntime.OnnxRuntimeInt8)</c>
/// against the float32 ONNX route (same schema and annotations, scores within the int8 bound, same predicted labels),
/// the saved .zip carrying the int8 graph and loading back bit-identical, and <c>ApplyOnnxTextModel</c> on an int8 file.
/// </summary>
[TestClass]
public sealed class OnnxInt8ScoringTests
{
    // OnnxInt8ExportTests' bound: int8 outputs within 5% of the largest float32 output (measured there: at most 0.45%
    // for the bundled golden classifiers' logits, 1.5% for tiny random heads).
    private const float RelativeBound = 0.05f;

    private static readonly string[] NerExactColumns = ["PredictedLabel", "EntityGroup", "EntityText", "EntityStart", "EntityEnd"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void ClassifierScoresNearFloat32AndTheInt8ZipLoadsBackTheSame()
    {
        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls", CheckpointFolder.Labels("neg", "neutral", "pos"));
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(DebertaTestData.SingleCharacterTexts(12, seed: 3).Select(t => new TextRow { Text = t }).ToList());
        using var torch = mlContext.Transforms.Deberta.ApplyTextModel(checkpoint.Path, maxLength: 128, batchSize: 4).Fit(data);
        using var work = new TemporaryDirectory();
        DebertaModelIO.Save(mlContext, torch, data.Schema, work.File("torch.zip"));
        using var float32 = (TextScoringTransformer)DebertaModelIO.Load(mlContext, work.File("torch.zip"), out _, DebertaScoringRuntime.OnnxRuntime);
        using var int8 = (TextScoringTransformer)DebertaModelIO.Load(mlContext, work.File("torch.zip"), out _, DebertaScoringRuntime.OnnxRuntimeInt8);

        Assert.IsInstanceOfType<OnnxTextScorer>(int8.Scorer);
        AssertNearFloat32("v1_rel_c2p_p2c/seqcls", float32.Transform(data), int8.Transform(data), ["PredictedLabel"], "Score");
        AssertRoundTrip(mlContext, int8, data, work, "Score", "PredictedLabel");
    }

    [TestMethod]
    public void NerScoresNearFloat32AndTheInt8ZipLoadsBackTheSame()
    {
        var mlContext = new MLContext(seed: 1);
        var data = NerData.Texts(mlContext, ["My name is Wolfgang and I live in Berlin", "Sarah lives in London .", "hello",
            "Anna and Tom met Paul in Paris , Rome and Oslo last year"]);
        using var torch = mlContext.Transforms.Deberta.ApplyTokenClassificationModel(NerData.PipelineTokenClassifier, maxLength: 10, stride: 3, batchSize: 2).Fit(data);
        using var work = new TemporaryDirectory();
        DebertaModelIO.Save(mlContext, torch, data.Schema, work.File("torch.zip"));
        using var float32 = (StructuredScoringTransformer)DebertaModelIO.Load(mlContext, work.File("torch.zip"), out _, DebertaScoringRuntime.OnnxRuntime);
        using var int8 = (StructuredScoringTransformer)DebertaModelIO.Load(mlContext, work.File("torch.zip"), out _, DebertaScoringRuntime.OnnxRuntimeInt8);

        Assert.AreEqual(OnnxTokenClassificationScorer.Kind, int8.PayloadKind);
        Assert.IsTrue(PredictionDump.Lines(float32.Transform(data), "EntityGroup").Any(l => l.Length > 0), "some row has an entity to compare");
        AssertNearFloat32("v1_tokcls NER", float32.Transform(data), int8.Transform(data), NerExactColumns, "Score", "EntityScore");
        AssertRoundTrip(mlContext, int8, data, work, [.. NerExactColumns, "Score", "EntityScore"]);
    }

    [TestMethod]
    [DataRow("regression")]
    [DataRow("text pair scoring")]
    [DataRow("embeddings")]
    [DataRow("zero-shot")]
    [DataRow("question answering")]
    [DataRow("fill-mask")]
    public void EveryOtherTaskScoresNearFloat32AndSavesTheInt8Graph(string task)
    {
        var served = OnnxServedTask.Named(task);
        using var work = new TemporaryDirectory();
        using var fitted = served.FitIn(work);
        var (mlContext, data) = (fitted.MLContext, fitted.Data);
        DebertaModelIO.Save(mlContext, fitted.Torch, data.Schema, work.File("torch.zip"));
        var float32 = fitted.Own(DebertaModelIO.Load(mlContext, work.File("torch.zip"), out _, DebertaScoringRuntime.OnnxRuntime));
        var int8 = fitted.Own(DebertaModelIO.Load(mlContext, work.File("torch.zip"), out _, DebertaScoringRuntime.OnnxRuntimeInt8));
        // Labels, answers and top-k tokens are not compared: on these random-weight heads near ties may flip.
        AssertNearFloat32(task, float32.Transform(data), int8.Transform(data), [], served.ScoreColumns);
        AssertRoundTrip(mlContext, int8, data, work, served.Columns);
    }

    [TestMethod]
    public void ApplyOnnxTextModelScoresAnInt8FileAsTheInt8Runtime()
    {
        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls", CheckpointFolder.Labels("neg", "neutral", "pos"));
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(DebertaTestData.SingleCharacterTexts(8, seed: 5).Select(t => new TextRow { Text = t }).ToList());
        using var torch = (TextScoringTransformer)mlContext.Transforms.Deberta.ApplyTextModel(checkpoint.Path, maxLength: 128, batchSize: 4).Fit(data);
        var onnxPath = Path.Combine(checkpoint.Path, "model.onnx");
        DebertaOnnxExporter.Export(((DebertaTextScorer)torch.Scorer).Model, onnxPath, OnnxWeightFormat.Int8);
        Assert.AreEqual("int8", WeightFormat(File.ReadAllBytes(onnxPath)));

        using var applied = mlContext.Transforms.Deberta.ApplyOnnxTextModel(onnxPath, maxLength: 128, batchSize: 4).Fit(data);
        using var work = new TemporaryDirectory();
        DebertaModelIO.Save(mlContext, torch, data.Schema, work.File("torch.zip"));
        using var loaded = DebertaModelIO.Load(mlContext, work.File("torch.zip"), out _, DebertaScoringRuntime.OnnxRuntimeInt8) as TextScoringTransformer;

        // The same graph bytes, encoding and batches: the two int8 routes score identically.
        Assert.AreEqual(OnnxTextScoringTests.SchemaText(loaded!.Transform(data).Schema), OnnxTextScoringTests.SchemaText(applied.Transform(data).Schema));
        CollectionAssert.AreEqual(PredictionDump.Lines(loaded.Transform(data), "Score", "PredictedLabel"),
            PredictionDump.Lines(applied.Transform(data), "Score", "PredictedLabel"));
    }

    [TestMethod]
    public void UndefinedRuntimeIsRefused()
    {
        var mlContext = new MLContext(seed: 1);
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => DebertaModelIO.Load(mlContext, "any.zip", out _, (DebertaScoringRuntime)7));
        StringAssert.Contains(error.Message, "Unknown scoring runtime");
    }

    // Same schema and annotations, the exact columns equal, and every float within RelativeBound of the largest
    // float32 value; the two must differ somewhere (else the int8 graph was not used).
    private void AssertNearFloat32(string name, IDataView float32, IDataView int8, string[] exactColumns, params string[] floatColumns)
    {
        Assert.AreEqual(OnnxTextScoringTests.SchemaText(float32.Schema), OnnxTextScoringTests.SchemaText(int8.Schema), name);
        if (exactColumns.Length > 0)
            CollectionAssert.AreEqual(PredictionDump.Lines(float32, exactColumns), PredictionDump.Lines(int8, exactColumns), $"{name}: predicted labels agree");
        var expected = OnnxServedTask.Floats(float32, floatColumns);
        var actual = OnnxServedTask.Floats(int8, floatColumns);
        Assert.HasCount(expected.Count, actual, name);
        float delta = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        float magnitude = expected.Max(Math.Abs);
        TestContext.WriteLine($"onnx int8 mlnet {name}: {expected.Count} outputs compared, max |Δ| {delta:G3} against float32, {delta / magnitude:P2} of the largest float32 output");
        Assert.IsGreaterThan(0f, delta, $"{name}: the int8 step scores exactly as float32, so it did not run the int8 graph");
        Assert.IsLessThanOrEqualTo(RelativeBound * magnitude, delta, name);
    }

    // The saved .zip holds the int8 graph and loads back bit-identical, with the default runtime and with the float32
    // ONNX option alike (an ONNX payload loads as it is).
    private static void AssertRoundTrip(MLContext mlContext, ITransformer int8, IDataView data, TemporaryDirectory work, params string[] columns)
    {
        DebertaModelIO.Save(mlContext, int8, data.Schema, work.File("int8.zip"));
        using (var zip = ZipFile.OpenRead(work.File("int8.zip")))
        {
            var graph = zip.Entries.Single(e => e.FullName.EndsWith("/model.onnx", StringComparison.Ordinal));
            using var bytes = new MemoryStream();
            using (var stream = graph.Open())
                stream.CopyTo(bytes);
            Assert.AreEqual("int8", WeightFormat(bytes.ToArray()), "the .zip carries the int8 graph");
        }
        var scored = PredictionDump.Lines(int8.Transform(data), columns);
        foreach (var runtime in new[] { DebertaScoringRuntime.TorchSharp, DebertaScoringRuntime.OnnxRuntime })
        {
            var again = DebertaModelIO.Load(mlContext, work.File("int8.zip"), out _, runtime);
            try
            {
                CollectionAssert.AreEqual(scored, PredictionDump.Lines(again.Transform(data), columns), $"the int8 .zip loaded with {runtime}");
            }
            finally
            {
                (again as IDisposable)?.Dispose();
            }
        }
    }

    private static string WeightFormat(byte[] onnx) => ModelProto.Parser.ParseFrom(onnx).MetadataProps.Single(p => p.Key == "weight_format").Value;
}
