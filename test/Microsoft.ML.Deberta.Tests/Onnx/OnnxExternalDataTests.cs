using System.IO.Compression;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.Deberta.Onnx.Proto;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tests.FakeModel;
using Microsoft.ML.Deberta.Tests.MLNet;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// ONNX external data, forced on a tiny model by the internal weight limit (a real model needs it past 2 GB): the
/// exporter's side file and TensorProto fields, ONNX Runtime scoring it as the self-contained file, a clear error when
/// the side file is missing, and an ML.NET .zip carrying it.
/// </summary>
[TestClass]
public sealed class OnnxExternalDataTests
{
    private static string Golden(string head) => Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "models", "v2_conv_xlarge_like", head);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void ExternalDataFileScoresAsTheInlineFileAndNeedsItsSideFile()
    {
        using var model = DebertaCheckpoint.Load(Golden("seqcls"));
        model.eval();
        using var work = new TemporaryDirectory();
        Directory.CreateDirectory(work.File("inline"));
        Directory.CreateDirectory(work.File("external"));
        DebertaOnnxExporter.Export(model, work.File("inline/model.onnx"));
        DebertaOnnxExporter.Export(model, work.File("external/model.onnx"), inlineWeightLimit: 0);

        Assert.IsFalse(File.Exists(work.File("inline/model.onnx.data")), "a model under the limit stays one file");
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(work.File("external/model.onnx")));
        var moved = proto.Graph.Initializer.Where(t => t.DataLocation == TensorProto.Types.DataLocation.External).ToList();
        Assert.IsNotEmpty(moved);
        long end = 0;
        foreach (var tensor in moved)
        {
            var keys = tensor.ExternalData.ToDictionary(e => e.Key, e => e.Value);
            Assert.AreEqual("model.onnx.data", keys["location"], tensor.Name);
            Assert.IsFalse(tensor.HasRawData, tensor.Name);
            Assert.AreEqual(tensor.Dims.Aggregate(1L, (a, b) => a * b) * sizeof(float), long.Parse(keys["length"]), tensor.Name);
            end = Math.Max(end, long.Parse(keys["offset"]) + long.Parse(keys["length"]));
        }
        Assert.IsTrue(proto.Graph.Initializer.Except(moved).All(t => t.RawData.Length < 1024), "only small constants stay inline");
        Assert.AreEqual(end, new FileInfo(work.File("external/model.onnx.data")).Length);
        Assert.IsLessThan(new FileInfo(work.File("inline/model.onnx")).Length / 4, new FileInfo(work.File("external/model.onnx")).Length);

        // Rows of unequal lengths (padded in one batch), ids drawn from the whole vocabulary.
        var random = new Random(5);
        var tokenizerIds = Enumerable.Range(0, 6).Select(i => (IReadOnlyList<int>)Enumerable.Range(0, 3 + 5 * i)
            .Select(_ => random.Next(3, model.Config.VocabSize)).ToArray()).ToList();
        using var inline = DebertaOnnxModel.Load(work.File("inline/model.onnx"));
        using var external = DebertaOnnxModel.Load(work.File("external/model.onnx"));
        var a = inline.Score(tokenizerIds)["logits"].Values;
        var b = external.Score(tokenizerIds)["logits"].Values;
        Assert.HasCount(a.Length, b);
        float delta = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
        TestContext.WriteLine($"onnx external data v2_conv_xlarge_like/seqcls: {a.Length} outputs compared with the inline file, max |Δ| {delta:G3}");
        Assert.AreEqual(0f, delta, "the same weights through the same graph");

        File.Delete(work.File("external/model.onnx.data"));
        var error = Assert.ThrowsExactly<InvalidDataException>(() => DebertaOnnxModel.Load(work.File("external/model.onnx")));
        StringAssert.Contains(error.Message, work.File("external/model.onnx"));
    }

    [TestMethod]
    public void ExportingToBytesPastTheLimitIsRefusedNamingTheFileExport()
    {
        using var model = DebertaCheckpoint.Load(Golden("seqcls"));
        model.eval();
        var error = Assert.ThrowsExactly<NotSupportedException>(() => DebertaOnnxExporter.ExportToBytes(model, inlineWeightLimit: 1024));
        StringAssert.Contains(error.Message, "DebertaOnnxExporter.Export(model, path)");
        StringAssert.Contains(error.Message, "external data");
    }

    [TestMethod]
    public void AZipCarriesTheSideFileAndAnExternalDataOnnxFileAppliesAsTorchSharpScores()
    {
        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls", CheckpointFolder.Labels("neg", "neutral", "pos"));
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(DebertaTestData.SingleCharacterTexts(7, seed: 3).Select(t => new TextRow { Text = t }).ToList());
        using var torch = (TextScoringTransformer)mlContext.Transforms.Deberta.ApplyTextModel(checkpoint.Path, batchSize: 4).Fit(data);
        var expected = torch.Transform(data).GetColumn<float[]>("Score").SelectMany(v => v).ToArray();
        using var work = new TemporaryDirectory();

        // The .zip route: the step's ONNX payload carries model.onnx.data, and loads back from it without TorchSharp weights.
        var classifier = (DebertaTextScorer)torch.Scorer;
        using (var exported = new TextScoringTransformer(torch.Environment, OnnxRuntimeLoaders.Export(classifier, inlineWeightLimit: 0), torch.Columns, torch.Predictions, torch.BatchSize))
            DebertaModelIO.Save(mlContext, exported, data.Schema, work.File("external.zip"));
        using (var zip = ZipFile.OpenRead(work.File("external.zip")))
        {
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.IsTrue(names.Any(n => n.EndsWith("/model.onnx", StringComparison.Ordinal)), string.Join("\n", names));
            Assert.IsTrue(names.Any(n => n.EndsWith("/model.onnx.data", StringComparison.Ordinal)), string.Join("\n", names));
        }
        using var loaded = (TextScoringTransformer)DebertaModelIO.Load(mlContext, work.File("external.zip"), out _);
        Assert.IsInstanceOfType<OnnxTextScorer>(loaded.Scorer);
        Compare("DebertaModelIO.Load of a .zip with external data", expected, loaded.Transform(data));

        // The ApplyOnnxTextModel route: a file exported with external data, its side file beside it.
        var path = Path.Combine(checkpoint.Path, "model.onnx");
        DebertaOnnxExporter.Export(classifier.Model, path, inlineWeightLimit: 0);
        Assert.IsTrue(File.Exists(path + ".data"));
        using var applied = mlContext.Transforms.Deberta.ApplyOnnxTextModel(path, batchSize: 4).Fit(data);
        Compare("ApplyOnnxTextModel of a file with external data", expected, applied.Transform(data));
        File.Delete(path + ".data");
        var error = Assert.ThrowsExactly<InvalidDataException>(() => mlContext.Transforms.Deberta.ApplyOnnxTextModel(path).Fit(data));
        StringAssert.Contains(error.Message, "model.onnx.data");
    }

    private void Compare(string route, float[] expected, IDataView scored)
    {
        var actual = scored.GetColumn<float[]>("Score").SelectMany(v => v).ToArray();
        Assert.HasCount(expected.Length, actual, route);
        float delta = expected.Zip(actual, (x, y) => Math.Abs(x - y)).Max();
        TestContext.WriteLine($"onnx mlnet v1_rel_c2p_p2c/seqcls, {route}: {actual.Length} outputs compared with TorchSharp, max |Δ| {delta:G3}");
        Assert.IsLessThanOrEqualTo(1e-4f, delta, route);
    }
}
