using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Tests.FakeModel;
using Microsoft.ML.Deberta.Tests.Tasks;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// <c>FillMask</c> through ML.NET: the same propositions as transformers' fill-mask pipeline for every golden pipeline
/// folder with fill-mask outputs, targets and several masks, a PredictionEngine class binding the vector columns, a
/// fresh-process load, and clear errors for a text without [MASK], another model's mask spelling, and an untrained head.
/// </summary>
[TestClass]
public sealed class FillMaskTests
{
    public TestContext TestContext { get; set; } = null!;

    public sealed class Row
    {
        public string Text { get; set; } = "";
    }

    public sealed class Prediction
    {
        public string[] Tokens { get; set; } = [];

        public float[] Score { get; set; } = [];

        public string[] Sequences { get; set; } = [];
    }

    private static string V3MaskedLM => GoldenData.Bundled("pipelines", "v3_mlm");

    private static JsonElement[] SingleMaskReference(out string text)
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(V3MaskedLM, "golden_pipeline.json")));
        text = reference.RootElement.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).Single(t => t.Contains("[MASK]"));
        return reference.RootElement.GetProperty("outputs")[0].EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    [TestMethod]
    [TestCategory("Parity")]
    public void FillMaskThroughMLNetMatchesTheFillMaskPipeline() =>
        FillMaskPipelineParityTests.ForEachFillMaskFolder(Compare, " (ML.NET)", line => TestContext.WriteLine(line));

    // The folder's masked texts through the catalog method, every proposition against the pipeline's.
    private static (int Compared, double Largest) Compare(string folder, JsonElement reference, JsonElement outputs)
    {
        var mlContext = new MLContext(seed: 1);
        string[] texts = reference.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!)
            .Where(t => t.Contains("[MASK]", StringComparison.Ordinal)).ToArray();
        var expected = outputs.EnumerateArray().Select(perText => perText.EnumerateArray().First().ValueKind == JsonValueKind.Array
            ? perText.EnumerateArray().SelectMany(m => m.EnumerateArray()).ToArray() : perText.EnumerateArray().ToArray()).ToArray();
        int topK = outputs[0].EnumerateArray().First().ValueKind == JsonValueKind.Array ? outputs[0][0].GetArrayLength() : outputs[0].GetArrayLength();
        var data = mlContext.Data.LoadFromEnumerable(texts.Select(t => new Row { Text = t }).ToList());
        using var model = mlContext.Transforms.Deberta.FillMask(folder, topK: topK, batchSize: 2).Fit(data);
        var scored = model.Transform(data);
        var tokens = scored.GetColumn<string[]>("Tokens").ToArray();
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        var sequences = scored.GetColumn<string[]>("Sequences").ToArray();
        var ids = scored.GetColumn<int[]>("TokenIds").ToArray();
        int compared = 0;
        double largest = 0;
        for (int t = 0; t < texts.Length; t++)
        {
            Assert.HasCount(expected[t].Length, tokens[t], $"{folder}: text {t}");
            for (int p = 0; p < expected[t].Length; p++)
            {
                var want = expected[t][p];
                Assert.AreEqual(want.GetProperty("token").GetInt32(), ids[t][p], $"text {t}, proposition {p}: token");
                Assert.AreEqual(want.GetProperty("token_str").GetString(), tokens[t][p], $"text {t}, proposition {p}: token_str");
                Assert.AreEqual(want.GetProperty("sequence").GetString(), sequences[t][p], $"text {t}, proposition {p}: sequence");
                double delta = Math.Abs(want.GetProperty("score").GetDouble() - scores[t][p]);
                largest = Math.Max(largest, delta);
                Assert.IsLessThanOrEqualTo(1e-5, delta, $"text {t}, proposition {p}: score");
                compared++;
            }
        }
        return (compared, largest);
    }

    [TestMethod]
    public void TargetsAndSeveralMasksAndAPredictionEngine()
    {
        var reference = SingleMaskReference(out string text);
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(new[] { new Row { Text = text } });
        // The reference's top 5 as targets, listed in reverse: the same ranking and whole-vocabulary probabilities come back.
        var targets = reference.Select(r => r.GetProperty("token_str").GetString()!).Reverse().ToArray();

        string maskedLMFolder = V3MaskedLM;
        // ---- as in docs/mlnet-guide.md (FillMask) ----
        var model = mlContext.Transforms.Deberta.FillMask(maskedLMFolder, topK: 3, targets: targets).Fit(data);   // targets: null for the whole vocabulary
        var engine = mlContext.Model.CreatePredictionEngine<Row, Prediction>(model);
        var prediction = engine.Predict(new Row { Text = "The capital of France is [MASK]." });
        for (int i = 0; i < prediction.Tokens.Length; i++)
            Console.WriteLine($"{prediction.Tokens[i]} {prediction.Score[i]:F4}: {prediction.Sequences[i]}");
        // ---- end ----

        Assert.HasCount(3, prediction.Tokens);
        for (int i = 0; i < 3; i++)
        {
            Assert.AreEqual(reference[i].GetProperty("token_str").GetString(), prediction.Tokens[i], $"proposition {i}");
            Assert.AreEqual(reference[i].GetProperty("score").GetDouble(), prediction.Score[i], 1e-5, $"proposition {i}");
            Assert.AreEqual(reference[i].GetProperty("sequence").GetString(), prediction.Sequences[i], $"proposition {i}");
        }
        engine.Dispose();

        using var twoMasks = mlContext.Transforms.Deberta.FillMask(V3MaskedLM, topK: 4).Fit(data);
        var both = twoMasks.Transform(mlContext.Data.LoadFromEnumerable(new[] { new Row { Text = "The [MASK] of France is [MASK]." } }));
        var sequences = both.GetColumn<string[]>("Sequences").Single();
        Assert.HasCount(8, sequences, "2 masks × top 4");
        Assert.IsTrue(sequences.All(s => s.Contains("[MASK]")), "with several masks the other mask stays visible, as the pipeline shows it");
    }

    [TestMethod]
    public void AFillMaskStepLoadsInAFreshProcessWithIdenticalScores()
    {
        var folder = Directory.CreateTempSubdirectory("deberta-fill-mask-tests-").FullName;
        try
        {
            var mlContext = new MLContext(seed: 1);
            var rowsPath = Path.Combine(folder, "rows.tsv");
            File.WriteAllLines(rowsPath, ["The capital of France is [MASK].\tx", "I [MASK] this movie!\ty", "[MASK] works at [MASK] in Redmond.\tz"]);
            var data = mlContext.Data.LoadFromEnumerable(TextRow.ReadTsv(rowsPath));
            var model = mlContext.Transforms.Deberta.FillMask(V3MaskedLM, topK: 3).Fit(data);
            var expected = PredictionDump.Lines(model.Transform(data), "Score");
            var expectedTokens = model.Transform(data).GetColumn<string[]>("Tokens").Select(t => string.Join("|", t)).ToArray();
            var modelPath = Path.Combine(folder, "fill-mask.zip");
            DebertaModelIO.Save(mlContext, model, data.Schema, modelPath);
            model.Dispose();

            var outputPath = Path.Combine(folder, "child-output.txt");
            var result = ChildProcess.Run(["predict-builtin", modelPath, rowsPath, outputPath, "Score"], TimeSpan.FromMinutes(3));
            Assert.AreEqual(0, result.ExitCode, result.Output);
            CollectionAssert.AreEqual(expected, File.ReadAllLines(outputPath).Take(expected.Count).ToArray(), "same scores in a fresh process");
            using var loaded = (StructuredScoringTransformer)DebertaModelIO.Load(mlContext, modelPath, out _);
            CollectionAssert.AreEqual(expectedTokens, loaded.Transform(data).GetColumn<string[]>("Tokens").Select(t => string.Join("|", t)).ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void BadInputSaysWhatToDo()
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(new[] { new Row { Text = "The capital of France is [MASK]." } });
        using var model = mlContext.Transforms.Deberta.FillMask(V3MaskedLM).Fit(data);

        var noMask = Assert.Throws<InvalidDataException>(() => model.Transform(mlContext.Data.LoadFromEnumerable(new[] { new Row { Text = "No mask here." } }))
            .GetColumn<float[]>("Score").ToArray());
        StringAssert.Contains(noMask.Message, "holds no mask token: write [MASK] where a word should be predicted");
        var otherMask = Assert.Throws<InvalidDataException>(() => model.Transform(mlContext.Data.LoadFromEnumerable(new[] { new Row { Text = "Paris is <mask>." } }))
            .GetColumn<float[]>("Score").ToArray());
        StringAssert.Contains(otherMask.Message, "it holds <mask>, which this tokenizer does not know as its mask token; write [MASK] instead");

        var emptyTargets = Assert.Throws<ArgumentException>(() => mlContext.Transforms.Deberta.FillMask(V3MaskedLM, targets: []));
        StringAssert.Contains(emptyTargets.Message, "Targets is empty");

        using var bare = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "base");
        var untrained = Assert.Throws<UntrainedHeadException>(() => mlContext.Transforms.Deberta.FillMask(bare.Path).Fit(data));
        StringAssert.Contains(untrained.Message, "has no trained masked-LM head");
    }
}
