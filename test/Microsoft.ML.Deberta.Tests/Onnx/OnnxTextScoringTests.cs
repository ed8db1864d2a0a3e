using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.Deberta.Tests.MLNet;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// The ML.NET steps (classification, pair regression, embeddings) scoring through ONNX Runtime (<c>DebertaModelIO.Load(…, DebertaScoringRuntime.OnnxRuntime)</c> and
/// <c>ApplyOnnxTextModel</c>) against the same steps scoring with TorchSharp: schema, annotations, values, prediction
/// engine, evaluator and save/load.
/// </summary>
[TestClass]
[TestCategory("Parity")]
public sealed class OnnxTextScoringTests
{
    private const float Tolerance = 1e-4f;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void ClassifierScoresAsTorchSharpThroughBothOnnxEntryPoints()
    {
        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls", CheckpointFolder.Labels("neg", "neutral", "pos"));
        var mlContext = new MLContext(seed: 1);
        // One text longer than the config's max_position_embeddings (64): relative attention has no absolute-length limit.
        var texts = DebertaTestData.SingleCharacterTexts(9, seed: 3).Append(string.Join(",", DebertaTestData.SingleCharacterTexts(30, seed: 4))).ToList();
        var data = mlContext.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }));
        using var torch = (TextScoringTransformer)mlContext.Transforms.Deberta.ApplyTextModel(checkpoint.Path, maxLength: 128, batchSize: 4).Fit(data);
        Assert.IsGreaterThan(64, ((DebertaTextScorer)torch.Scorer).Tokenizer.Encode(texts[^1]).InputIds.Count, "the long text passes the position span");

        using var loaded = LoadWithOnnxRuntime(mlContext, torch, data.Schema);
        var onnxPath = ExportBeside(checkpoint.Path, torch);
        using var applied = (TextScoringTransformer)mlContext.Transforms.Deberta.ApplyOnnxTextModel(onnxPath, maxLength: 128, batchSize: 4).Fit(data);

        foreach (var (route, onnx) in new[] { ("DebertaModelIO.Load OnnxRuntime", loaded), ("ApplyOnnxTextModel", applied) })
        {
            Assert.IsInstanceOfType<OnnxTextScorer>(onnx.Scorer, route);
            Assert.AreEqual(SchemaText(torch.Transform(data).Schema), SchemaText(onnx.Transform(data).Schema), route);
            CompareScores(route, "v1_rel_c2p_p2c/seqcls", torch.Transform(data), onnx.Transform(data));
            CollectionAssert.AreEqual(torch.Transform(data).GetColumn<uint>("PredictedLabel").ToArray(),
                onnx.Transform(data).GetColumn<uint>("PredictedLabel").ToArray(), route);
        }

        var engine = mlContext.Model.CreatePredictionEngine<TextRow, ClassPrediction>(applied, new PredictionEngineOptions { OwnsTransformer = false });
        var single = engine.Predict(new TextRow { Text = texts[^1] });
        var batched = applied.Transform(data).GetColumn<float[]>("Score").Last();
        for (int c = 0; c < batched.Length; c++)
            Assert.AreEqual(batched[c], single.Score[c], 1e-5f, $"PredictionEngine, class {c}");
    }

    [TestMethod]
    public void TorchExportedClassifierScoresThroughApplyOnnxTextModelAsTorchSharp()
    {
        // torch.onnx.export's files of the golden root (v1 ones: the bundled v1 tokenizer's single-character ids fit their vocabulary).
        var folders = GoldenOnnxFolders.FindAll().Where(f => Path.GetFileName(f).StartsWith("v1_", StringComparison.Ordinal)).ToList();
        if (folders.Count == 0)
            Assert.Inconclusive("The golden root's onnx/ folder holds no v1 model (skipped, as other kinds of reference a root lacks).");
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(DebertaTestData.SingleCharacterTexts(8, seed: 11).Select(t => new TextRow { Text = t }));
        foreach (var folder in folders)
        {
            using var copy = new Checkpoints.TemporaryDirectory();
            foreach (var file in new[] { "config.json", "model.safetensors", "model.onnx" })
                File.Copy(Path.Combine(folder, file), copy.File(file));
            using var torch = mlContext.Transforms.Deberta.ApplyTextModel(copy.Path, tokenizerFolder: DebertaTestData.V1TokenizerFolder).Fit(data);
            using var onnx = mlContext.Transforms.Deberta.ApplyOnnxTextModel(copy.File("model.onnx"), tokenizerFolder: DebertaTestData.V1TokenizerFolder).Fit(data);
            Assert.AreEqual(SchemaText(torch.Transform(data).Schema), SchemaText(onnx.Transform(data).Schema));
            CompareScores("ApplyOnnxTextModel, torch.onnx.export's file", Path.GetFileName(folder), torch.Transform(data), onnx.Transform(data));
        }
    }

    [TestMethod]
    public void PairRegressorWithSlidingWindowsScoresAsTorchSharpAndEvaluatesAlike()
    {
        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "regression");
        var mlContext = new MLContext(seed: 1);
        var first = DebertaTestData.SingleCharacterTexts(12, seed: 5);
        var second = DebertaTestData.SingleCharacterTexts(12, seed: 6);
        var rows = first.Select((t, i) => new PairRow { Query = t, Passage = second[i], Value = i % 3 }).ToList();
        var data = mlContext.Data.LoadFromEnumerable(rows);
        using var torch = (TextScoringTransformer)mlContext.Transforms.Deberta.ApplyTextModel(checkpoint.Path, "Query", "Passage",
            maxLength: 8, longTextStrategy: LongTextStrategy.SlidingWindows, batchSize: 5).Fit(data);
        var scorer = (DebertaTextScorer)torch.Scorer;
        var windows = TextExampleEncoder.Encode(scorer.Tokenizer, first, second, scorer.Encoding);
        Assert.IsGreaterThan(rows.Count, windows.Count, "some pairs become several windows, whose scores are averaged");

        using var onnx = LoadWithOnnxRuntime(mlContext, torch, data.Schema);
        Assert.AreEqual(SchemaText(torch.Transform(data).Schema), SchemaText(onnx.Transform(data).Schema));
        CompareScores("DebertaModelIO.Load OnnxRuntime", "v1_rel_c2p_p2c/regression pairs", torch.Transform(data), onnx.Transform(data));
        var expected = mlContext.Regression.Evaluate(torch.Transform(data), labelColumnName: "Value");
        var actual = mlContext.Regression.Evaluate(onnx.Transform(data), labelColumnName: "Value");
        Assert.AreEqual(expected.MeanSquaredError, actual.MeanSquaredError, 1e-4);
        Assert.AreEqual(expected.RSquared, actual.RSquared, 1e-3);
    }

    [TestMethod]
    [DataRow(EmbeddingPooling.Mean, true)]
    [DataRow(EmbeddingPooling.Max, false)]
    [DataRow(EmbeddingPooling.Cls, false)]
    public void EmbeddingsMatchTorchSharpWithEachPooling(EmbeddingPooling pooling, bool normalize)
    {
        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "base");
        var mlContext = new MLContext(seed: 1);
        // Texts of unequal lengths (padding in a batch) and one cut into sliding windows, whose vectors are averaged.
        var texts = DebertaTestData.SingleCharacterTexts(7, seed: 9).Append(string.Join(",", DebertaTestData.SingleCharacterTexts(6, seed: 10))).ToList();
        var data = mlContext.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }));
        using var torch = (TextScoringTransformer)mlContext.Transforms.Deberta.TextEmbedding(new TextEmbeddingOptions
        {
            ModelFolder = checkpoint.Path, Pooling = pooling, Normalize = normalize, MaxLength = 12, Stride = 3, BatchSize = 3,
        }).Fit(data);
        var scorer = (DebertaEmbeddingScorer)torch.Scorer;
        Assert.IsGreaterThan(texts.Count, TextExampleEncoder.Encode(scorer.Tokenizer, texts, null, scorer.Encoding).Count, "the long text has windows");

        using var onnx = LoadWithOnnxRuntime(mlContext, torch, data.Schema);
        Assert.IsInstanceOfType<OnnxTextScorer>(onnx.Scorer);
        Assert.AreEqual(SchemaText(torch.Transform(data).Schema), SchemaText(onnx.Transform(data).Schema));
        CompareScores("DebertaModelIO.Load OnnxRuntime", $"v1_rel_c2p_p2c/base {pooling} pooling{(normalize ? ", normalized" : "")}",
            torch.Transform(data), onnx.Transform(data), "Features");
    }

    [TestMethod]
    public void OnnxScoredModelSavesTheGraphAndLoadsBackScoringTheSame()
    {
        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls");
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(DebertaTestData.SingleCharacterTexts(6, seed: 7).Select(t => new TextRow { Text = t }));
        using var torch = (TextScoringTransformer)mlContext.Transforms.Deberta.ApplyTextModel(checkpoint.Path, batchSize: 4).Fit(data);
        using var onnx = LoadWithOnnxRuntime(mlContext, torch, data.Schema);
        using var folder = new Checkpoints.TemporaryDirectory();
        var path = folder.File("onnx.zip");
        DebertaModelIO.Save(mlContext, onnx, data.Schema, path);
        using (var zip = System.IO.Compression.ZipFile.OpenRead(path))
        {
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.IsTrue(names.Any(n => n.EndsWith("/model/model.onnx", StringComparison.Ordinal)), "the ONNX graph is in the zip");
            Assert.IsFalse(names.Any(n => n.EndsWith(".safetensors", StringComparison.Ordinal)), "no TorchSharp weights in an ONNX payload");
        }
        // The default runtime: an ONNX payload has no TorchSharp weights, so it scores with ONNX Runtime whatever the option.
        using var again = (TextScoringTransformer)DebertaModelIO.Load(mlContext, path, out _);
        Assert.IsInstanceOfType<OnnxTextScorer>(again.Scorer);
        CollectionAssert.AreEqual(PredictionDump.Lines(onnx.Transform(data), "Score", "PredictedLabel"),
            PredictionDump.Lines(again.Transform(data), "Score", "PredictedLabel"));
    }

    /// <summary>Saves the TorchSharp step and loads it back scoring with ONNX Runtime.</summary>
    internal static TextScoringTransformer LoadWithOnnxRuntime(MLContext mlContext, ITransformer model, DataViewSchema schema)
    {
        using var folder = new Checkpoints.TemporaryDirectory();
        var path = folder.File("torch.zip");
        DebertaModelIO.Save(mlContext, model, schema, path);
        return (TextScoringTransformer)DebertaModelIO.Load(mlContext, path, out _, DebertaScoringRuntime.OnnxRuntime);
    }

    /// <summary>Exports the step's TorchSharp model to <c>model.onnx</c> in the checkpoint folder (beside its config.json).</summary>
    internal static string ExportBeside(string checkpointFolder, TextScoringTransformer torch)
    {
        var path = Path.Combine(checkpointFolder, "model.onnx");
        DebertaOnnxExporter.Export(((DebertaTextScorer)torch.Scorer).Model, path);
        return path;
    }

    private void CompareScores(string route, string model, IDataView expected, IDataView actual, string column = "Score")
    {
        var a = Scores(expected, column);
        var b = Scores(actual, column);
        Assert.HasCount(a.Count, b);
        float delta = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
        TestContext.WriteLine($"onnx mlnet {model} ({route}): {a.Count} outputs compared, max |Δ| {delta:G3}");
        Assert.IsLessThanOrEqualTo(Tolerance, delta, route);
    }

    private static List<float> Scores(IDataView scored, string column) => scored.Schema[column].Type is VectorDataViewType
        ? [.. scored.GetColumn<float[]>(column).SelectMany(s => s)]
        : [.. scored.GetColumn<float>(column)];

    /// <summary>Every column's name and type, with its annotations' names, types and (for text vectors) values.</summary>
    internal static string SchemaText(DataViewSchema schema) => string.Join("\n", schema.Select(column =>
        $"{column.Name}: {column.Type} [{string.Join("; ", column.Annotations.Schema.Select(a => $"{a.Name}: {a.Type} {AnnotationValues(column, a)}"))}]"));

    private static string AnnotationValues(DataViewSchema.Column column, DataViewSchema.Column annotation)
    {
        if (annotation.Type is not VectorDataViewType { ItemType: TextDataViewType })
            return "";
        VBuffer<ReadOnlyMemory<char>> values = default;
        column.Annotations.GetValue(annotation.Name, ref values);
        return string.Join(",", values.DenseValues());
    }

    private sealed class ClassPrediction
    {
        public float[] Score { get; set; } = [];
    }

    private sealed class PairRow
    {
        public string Query { get; set; } = "";

        public string Passage { get; set; } = "";

        public float Value { get; set; }
    }
}
