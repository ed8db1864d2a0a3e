using Microsoft.ML.Data;
using System.IO.Compression;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// A fitted pipeline with real DeBERTa steps (Tokenize and a text classifier) saves into one .zip with
/// <c>DebertaModelIO.Save</c> and loads — in this process and in a fresh one — with identical predictions; the
/// classifier's payload is a Hugging Face checkpoint folder.
/// </summary>
[TestClass]
public sealed class DebertaPersistenceTests
{
    private string _folder = "";

    [TestInitialize]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("deberta-persistence-tests-").FullName;

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static TextClassificationOptions Tiny() => new()
    {
        Config = DebertaTestData.SmallConfig(),
        TokenizerFolder = DebertaTestData.V1TokenizerFolder,
        MaxLength = 32,
        BatchSize = 8,
        Epochs = 3,
        LearningRate = 3e-3,
        Seed = 2,
        InferenceBatchSize = 5,
    };

    [TestMethod]
    public void APipelineWithRealStepsLoadsInAFreshProcessWithIdenticalPredictions()
    {
        var mlContext = new MLContext(seed: 1);
        var training = mlContext.Data.LoadFromEnumerable(TestRows.Make(30).Select(r => new TextRow { Text = r.Text, Label = r.Label }).ToList());
        var pipeline = mlContext.Transforms.Deberta.Tokenize(DebertaTestData.V1TokenizerFolder, maxLength: 16, padToMaxLength: true)
            .Append(mlContext.Transforms.Conversion.MapValueToKey("Label"))
            .Append(mlContext.Transforms.Deberta.TextClassification(Tiny()))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabelValue", "PredictedLabel"));
        var model = pipeline.Fit(training);

        var modelPath = PathOf("model.zip");
        DebertaModelIO.Save(mlContext, model, training.Schema, modelPath);
        using (var zip = ZipFile.OpenRead(modelPath))
        {
            var names = zip.Entries.Select(e => e.FullName).ToHashSet();
            string[] expectedEntries =
            [
                "Microsoft.ML.Deberta/step_000/tokenization.json", "Microsoft.ML.Deberta/step_000/tokenizer/vocab.json",
                "Microsoft.ML.Deberta/step_001/transformer.json", "Microsoft.ML.Deberta/step_001/model/config.json",
                "Microsoft.ML.Deberta/step_001/model/model.safetensors", "Microsoft.ML.Deberta/step_001/model/vocab.json",
                "Microsoft.ML.Deberta/step_001/model/merges.txt", "Microsoft.ML.Deberta/step_001/model/tokenizer_config.json",
                "Microsoft.ML.Deberta/step_001/model/text_encoding.json",
            ];
            foreach (var entry in expectedEntries)
                Assert.Contains(entry, names);
            Assert.IsTrue(names.Any(n => n.StartsWith("TransformerChain", StringComparison.Ordinal)), "ML.NET's own entries");
        }

        var rows = TestRows.Make(11, seed: 77);
        var rowsPath = PathOf("rows.tsv");
        File.WriteAllLines(rowsPath, rows.Select(r => $"{r.Text}\t{r.Label}"));
        var input = mlContext.Data.LoadFromEnumerable(TextRow.ReadTsv(rowsPath));
        string[] columns = ["InputIds", "Score", "PredictedLabel", "PredictedLabelValue"];
        var expected = PredictionDump.Lines(model.Transform(input), columns);

        var loaded = DebertaModelIO.Load(new MLContext(seed: 3), modelPath, out var schema);
        CollectionAssert.AreEqual(expected, PredictionDump.Lines(loaded.Transform(input), columns), "same predictions after loading in this process");
        (loaded as IDisposable)?.Dispose();

        var outputPath = PathOf("child-output.txt");
        var result = ChildProcess.Run(["predict-builtin", modelPath, rowsPath, outputPath, .. columns], TimeSpan.FromMinutes(3));
        Assert.AreEqual(0, result.ExitCode, result.Output);
        var lines = File.ReadAllLines(outputPath);
        CollectionAssert.AreEqual(expected, lines.Take(expected.Count).ToArray(), "same predictions in a fresh process");
        StringAssert.StartsWith(lines[expected.Count], "plain-load:");
        StringAssert.Contains(lines[expected.Count], "DebertaModelIO.Load(mlContext, path, out var inputSchema)");

        // The classifier's payload is a checkpoint folder that ApplyTextModel (or transformers) opens as it is.
        var checkpoint = Directory.CreateDirectory(PathOf("checkpoint")).FullName;
        using (var zip = ZipFile.OpenRead(modelPath))
            foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith("Microsoft.ML.Deberta/step_001/model/", StringComparison.Ordinal)))
                entry.ExtractToFile(Path.Combine(checkpoint, entry.Name));
        using var applied = mlContext.Transforms.Deberta.ApplyTextModel(checkpoint, maxLength: 32).Fit(input);
        var reopened = applied.Transform(input).GetColumn<float[]>("Score").ToArray();
        var original = model.Transform(input).GetColumn<float[]>("Score").ToArray();
        for (int i = 0; i < original.Length; i++)
            for (int c = 0; c < original[i].Length; c++)
                Assert.AreEqual(original[i][c], reopened[i][c], 1e-6, $"row {i}");
        (model as IDisposable)?.Dispose();
    }

    [TestMethod]
    public void RegressionAndBinaryModelsRoundTrip()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 16);
        var tiny = Tiny();
        tiny.Epochs = 1;
        var models = new (string Name, ITransformer Model, string[] Columns)[]
        {
            ("regression", mlContext.Transforms.Deberta.TextRegression(new TextRegressionOptions
            {
                Config = tiny.Config, TokenizerFolder = tiny.TokenizerFolder, LabelColumnName = "Value", MaxLength = 32, Epochs = 1, Seed = 1,
            }).Fit(data), ["Score"]),
            ("binary", mlContext.Transforms.Deberta.TextClassification(new TextClassificationOptions
            {
                Config = tiny.Config, TokenizerFolder = tiny.TokenizerFolder, LabelColumnName = "Positive", TextColumnName = "Second", TextPairColumnName = "Text",
                MaxLength = 8, Epochs = 1, Seed = 1, LongTextStrategy = Deberta.LongTextStrategy.SlidingWindows, Stride = 2,
            }).Fit(data), ["Score", "Probability", "PredictedLabel"]),
        };
        var binary = (Deberta.MLNet.DebertaTextScorer)((TextScoringTransformer)models[1].Model).Scorer;
        var rows = TestRows.Make(16);
        var windows = Deberta.MLNet.TextExampleEncoder.Encode(binary.Tokenizer, [.. rows.Select(r => r.Second)], [.. rows.Select(r => r.Text)], binary.Encoding);
        Assert.IsGreaterThan(rows.Count, windows.Count, "long pairs become several windows, so the saved strategy matters");
        foreach (var (name, model, columns) in models)
        {
            var path = PathOf($"{name}.zip");
            DebertaModelIO.Save(mlContext, model, data.Schema, path);
            using var loaded = (TextScoringTransformer)DebertaModelIO.Load(mlContext, path, out _);
            CollectionAssert.AreEqual(PredictionDump.Lines(model.Transform(data), columns), PredictionDump.Lines(loaded.Transform(data), columns), name);
            (model as IDisposable)?.Dispose();
        }
    }

    [TestMethod]
    public void AV3ModelWithItsSentencePieceTokenizerRoundTrips()
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(TestRows.View(mlContext, 12)).Transform(TestRows.View(mlContext, 12));
        var tokenizerFolder = Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "tokenizer", "deberta-v3");
        var tokenizer = Deberta.Tokenization.DebertaTokenizerBase.FromFolder(tokenizerFolder);
        var config = Deberta.Configuration.DebertaConfig.FromJson($$"""
            {
              "model_type": "deberta-v2", "vocab_size": {{tokenizer.VocabularySize}}, "hidden_size": 32, "num_hidden_layers": 1,
              "num_attention_heads": 2, "intermediate_size": 64, "max_position_embeddings": 512, "type_vocab_size": 0,
              "relative_attention": true, "max_relative_positions": -1, "position_buckets": 16, "norm_rel_ebd": "layer_norm",
              "share_att_key": true, "pos_att_type": "p2c|c2p", "position_biased_input": false, "pad_token_id": 0
            }
            """);
        using var model = mlContext.Transforms.Deberta.TextClassification(new TextClassificationOptions
        {
            Config = config, TokenizerFolder = tokenizerFolder, MaxLength = 32, Epochs = 1, Seed = 1,
        }).Fit(data);
        var path = PathOf("v3.zip");
        DebertaModelIO.Save(mlContext, model, data.Schema, path);
        using (var zip = ZipFile.OpenRead(path))
            Assert.IsNotNull(zip.GetEntry("Microsoft.ML.Deberta/step_000/model/spm.model"), "the SentencePiece model travels in the zip");
        using var loaded = (TextScoringTransformer)DebertaModelIO.Load(mlContext, path, out _);
        string[] columns = ["Score", "PredictedLabel"];
        CollectionAssert.AreEqual(PredictionDump.Lines(model.Transform(data), columns), PredictionDump.Lines(loaded.Transform(data), columns));
    }
}
