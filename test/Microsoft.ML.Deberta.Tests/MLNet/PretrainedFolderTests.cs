using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tests.Parity;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// Starting from a Hugging Face checkpoint folder (the reference 3-label sequence classifier from transformers, with
/// the v1 tokenizer files beside it): its id2label becomes the key values; scoring without training matches
/// <c>model.Predict</c> on the same ids; fine-tuning keeps or replaces the head as documented.
/// </summary>
[TestClass]
public sealed class PretrainedFolderTests
{
    private static readonly string[] NliLabels = ["contradiction", "neutral", "entailment"];

    public sealed class Row
    {
        public string Text { get; set; } = "";

        public string Pair { get; set; } = "";

        public string Label { get; set; } = "";
    }

    private static List<Row> Rows(int count, int seed, string[]? labels = null)
    {
        var texts = DebertaTestData.SingleCharacterTexts(2 * count, seed);
        return [.. Enumerable.Range(0, count).Select(i => new Row
        {
            Text = texts[2 * i],
            Pair = texts[2 * i + 1],
            Label = labels is null ? "" : labels[i % labels.Length],
        })];
    }

    internal static string[] Names(DataViewSchema.Column column, bool slotNames)
    {
        var values = default(VBuffer<ReadOnlyMemory<char>>);
        if (slotNames)
            column.GetSlotNames(ref values);
        else
            column.GetKeyValues(ref values);
        return [.. values.DenseValues().Select(v => v.ToString())];
    }

    private static float[] Softmax(float[] logits)
    {
        var exp = logits.Select(l => Math.Exp(l - logits.Max())).ToArray();
        return [.. exp.Select(e => (float)(e / exp.Sum()))];
    }

    /// <summary>What the checkpoint itself predicts for each row: softmax of model.Predict on the tokenizer's ids.</summary>
    private static float[][] Reference(string folder, IReadOnlyList<Row> rows, bool pairs)
    {
        var tokenizer = DebertaTokenizerBase.FromFolder(folder);
        using var model = DebertaCheckpoint.Load<DebertaForSequenceClassification>(folder);
        var result = new float[rows.Count][];
        for (int i = 0; i < rows.Count; i++)
        {
            var ids = tokenizer.Encode(rows[i].Text, pairs ? rows[i].Pair : null).InputIds.Select(id => (long)id).ToArray();
            Assert.IsTrue(ids.All(id => id < 128), $"row {i} tokenizes into the model's 128-token vocabulary");
            using var input = torch.tensor(ids).unsqueeze(0);
            using var output = model.Predict(input);
            result[i] = Softmax(output.Logits.data<float>().ToArray());
        }
        return result;
    }

    private static void AssertClose(float[][] expected, float[][] actual, double tolerance, string what)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
            for (int c = 0; c < expected[i].Length; c++)
                Assert.AreEqual(expected[i][c], actual[i][c], tolerance, $"{what}: row {i}, class {c}");
    }

    [TestMethod]
    public void ApplyTextModelTakesTheClassNamesFromId2LabelAndScoresAsTheModel()
    {
        using var folder = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls", CheckpointFolder.Labels(NliLabels));
        var mlContext = new MLContext(seed: 1);
        var rows = Rows(20, seed: 3);
        var data = mlContext.Data.LoadFromEnumerable(rows);
        foreach (var pairs in new[] { false, true })
        {
            var pipeline = mlContext.Transforms.Deberta.ApplyTextModel(folder.Path, textPairColumnName: pairs ? "Pair" : null, batchSize: 8)
                .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel"));
            var model = pipeline.Fit(data);
            var scored = model.Transform(data);
            CollectionAssert.AreEqual(NliLabels, Names(scored.Schema["PredictedLabel"], slotNames: false), "PredictedLabel's key values are id2label");
            CollectionAssert.AreEqual(NliLabels, Names(scored.Schema["Score"], slotNames: true), "Score's slot names are id2label");
            var scores = scored.GetColumn<float[]>("Score").ToArray();
            AssertClose(Reference(folder.Path, rows, pairs), scores, 1e-5, pairs ? "pairs" : "single texts");
            var names = scored.GetColumn<string>("PredictedName").ToArray();
            for (int i = 0; i < rows.Count; i++)
                Assert.AreEqual(NliLabels[Array.IndexOf(scores[i], scores[i].Max())], names[i]);
            (model as IDisposable)?.Dispose();
        }
    }

    [TestMethod]
    public void FineTuningKeepsTheHeadAndMatchesClassesByName()
    {
        using var folder = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls", CheckpointFolder.Labels(NliLabels));
        var mlContext = new MLContext(seed: 1);
        // Labels first seen in another order: MapValueToKey numbers them entailment, contradiction, neutral.
        var rows = Rows(12, seed: 5, ["entailment", "contradiction", "neutral"]);
        var data = mlContext.Data.LoadFromEnumerable(rows);
        var options = new TextClassificationOptions
        {
            ModelFolder = folder.Path,
            MaxLength = 32,
            Epochs = 1,
            LearningRate = 1e-12, // weights stay as loaded: the scores show how the classes were mapped
            Seed = 1,
        };
        var messages = new List<string>();
        mlContext.Log += (_, e) => { lock (messages) messages.Add(e.RawMessage); };
        var model = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.Transforms.Deberta.TextClassification(options)).Fit(data);
        var scored = model.Transform(data);
        string[] keyOrder = ["entailment", "contradiction", "neutral"];
        CollectionAssert.AreEqual(keyOrder, Names(scored.Schema["Score"], slotNames: true));
        var reference = Reference(folder.Path, rows, pairs: false);
        var expected = reference.Select(r => keyOrder.Select(name => r[Array.IndexOf(NliLabels, name)]).ToArray()).ToArray();
        AssertClose(expected, scored.GetColumn<float[]>("Score").ToArray(), 1e-4, "each class keeps the checkpoint's score for its name");
        lock (messages)
            Assert.IsTrue(messages.Any(m => m.Contains("its head kept, classes reordered by name")), string.Join("\n", messages));
        (model as IDisposable)?.Dispose();
    }

    [TestMethod]
    public void ALabelThatDoesNotFitTheHeadIsAnErrorUnlessTheHeadIsReinitialized()
    {
        using var folder = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls", CheckpointFolder.Labels(NliLabels));
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(Rows(12, seed: 7, ["yes", "no"]));
        var options = new TextClassificationOptions { ModelFolder = folder.Path, MaxLength = 32, Epochs = 1, LearningRate = 1e-3, Seed = 1 };
        var mapping = mlContext.Transforms.Conversion.MapValueToKey("Label");
        var e = Assert.Throws<ArgumentException>(() => mapping.Append(mlContext.Transforms.Deberta.TextClassification(options)).Fit(data));
        StringAssert.Contains(e.Message, "3 label(s) (contradiction, neutral, entailment)");
        StringAssert.Contains(e.Message, "2 classes (yes, no)");
        StringAssert.Contains(e.Message, "ReinitializeHead = true");

        var sameCountOtherNames = mlContext.Data.LoadFromEnumerable(Rows(12, seed: 7, ["a", "b", "c"]));
        e = Assert.Throws<ArgumentException>(() => mapping.Append(mlContext.Transforms.Deberta.TextClassification(options)).Fit(sameCountOtherNames));
        StringAssert.Contains(e.Message, "are not the label column's classes");

        options.ReinitializeHead = true;
        var model = mapping.Append(mlContext.Transforms.Deberta.TextClassification(options)).Fit(data);
        var path = Path.Combine(folder.Path, "reinitialized.zip");
        DebertaModelIO.Save(mlContext, model, data.Schema, path);
        using (var zip = ZipFile.OpenRead(path))
        using (var config = zip.GetEntry("Microsoft.ML.Deberta/step_000/model/config.json")!.Open())
        {
            var json = JsonNode.Parse(config)!;
            Assert.AreEqual("yes", (string?)json["id2label"]!["0"], "the saved model's id2label is the label's key values");
            Assert.AreEqual("no", (string?)json["id2label"]!["1"]);
            Assert.AreEqual("single_label_classification", (string?)json["problem_type"]);
        }
        (model as IDisposable)?.Dispose();
    }

    [TestMethod]
    public void CheckpointsOfOtherHeadsAreRefusedAndBackbonesGetANewHead()
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(mlContext.Data.LoadFromEnumerable(Rows(12, 9, ["x", "y"])))
            .Transform(mlContext.Data.LoadFromEnumerable(Rows(12, 9, ["x", "y"])));
        TextClassificationOptions Options(string folder) => new() { ModelFolder = folder, MaxLength = 32, Epochs = 1, Seed = 1 };
        var warnings = new List<string>();
        mlContext.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.RawMessage); };
        foreach (var (head, architecture) in new[] { ("tokcls", "DebertaForTokenClassification"), ("qa", "DebertaForQuestionAnswering") })
        {
            using var folder = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", head);
            var e = Assert.Throws<ArgumentException>(() => mlContext.Transforms.Deberta.TextClassification(Options(folder.Path)).Fit(data));
            StringAssert.Contains(e.Message, $"is a {architecture} checkpoint");
            StringAssert.Contains(e.Message, "ReinitializeHead = true");
            var reinitialized = Options(folder.Path);
            reinitialized.ReinitializeHead = true;
            using var withNewHead = mlContext.Transforms.Deberta.TextClassification(reinitialized).Fit(data);
            Assert.AreEqual(2, withNewHead.Transform(data).GetColumn<float[]>("Score").First().Length);
            // The new head is said in the MLContext log in transformers' words.
            lock (warnings)
            {
                Assert.IsTrue(warnings.Any(w => w.StartsWith($"The checkpoint at {folder.Path} was saved from {architecture}", StringComparison.Ordinal)),
                    string.Join("\n", warnings));
                Assert.IsTrue(warnings.Any(w => w.StartsWith("Some weights of DebertaForSequenceClassification were not initialized from the model " +
                    $"checkpoint at {folder.Path} and are newly initialized: [", StringComparison.Ordinal)), string.Join("\n", warnings));
            }
        }

        using var mlm = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "mlm");
        var messages = new List<string>();
        mlContext.Log += (_, e) => { lock (messages) messages.Add(e.RawMessage); };
        using (var model = mlContext.Transforms.Deberta.TextClassification(Options(mlm.Path)).Fit(data))
            Assert.AreEqual(2, model.Transform(data).GetColumn<float[]>("Score").First().Length);
        lock (messages)
            Assert.IsTrue(messages.Any(m => m.Contains("(DebertaForMaskedLM) with a new head")), "a pre-trained MLM backbone gets a new head");

        // A regression checkpoint (num_labels 1) fits TextRegression, and is refused for classification.
        using var regression = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "regression");
        var e2 = Assert.Throws<ArgumentException>(() => mlContext.Transforms.Deberta.TextClassification(Options(regression.Path)).Fit(data));
        StringAssert.Contains(e2.Message, "1 label(s)");
        var numbers = mlContext.Data.LoadFromEnumerable(Rows(8, 3).Select((r, i) => new { r.Text, Value = (float)i }).ToList());
        using var regressor = mlContext.Transforms.Deberta.TextRegression(new TextRegressionOptions
        {
            ModelFolder = regression.Path, LabelColumnName = "Value", MaxLength = 32, Epochs = 1, Seed = 1,
        }).Fit(numbers);
        Assert.AreEqual(NumberDataViewType.Single, regressor.Transform(numbers).Schema["Score"].Type);
    }

    [TestMethod]
    public void ApplyTextModelNeedsASequenceClassifier()
    {
        var mlContext = new MLContext(seed: 1);
        using var mlm = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "mlm");
        var e = Assert.Throws<ArgumentException>(() => mlContext.Transforms.Deberta.ApplyTextModel(mlm.Path));
        StringAssert.Contains(e.Message, "DebertaForMaskedLM");
        using var tokcls = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "tokcls");
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => mlContext.Transforms.Deberta.ApplyTextModel(tokcls.Path)).Message,
            "DebertaForTokenClassification");

        // Token-classification weights under a sequence-classification config: the MLContext log says which weights
        // are new in transformers' words, and the scorer refuses the untrained head.
        using var relabelled = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "tokcls",
            c => c["architectures"] = new System.Text.Json.Nodes.JsonArray("DebertaForSequenceClassification"));
        var warnings = new List<string>();
        mlContext.Log += (_, m) => { if (m.Kind == ChannelMessageKind.Warning) lock (warnings) warnings.Add(m.RawMessage); };
        var rows = mlContext.Data.LoadFromEnumerable(Rows(4, 1));
        StringAssert.Contains(Assert.Throws<InvalidDataException>(() => mlContext.Transforms.Deberta.ApplyTextModel(relabelled.Path).Fit(rows)).Message,
            "it is not a fine-tuned classifier");
        lock (warnings)
            Assert.IsTrue(warnings.Any(w => w.StartsWith("Some weights of DebertaForSequenceClassification were not initialized from the model " +
                $"checkpoint at {relabelled.Path} and are newly initialized: ['pooler.dense.weight', 'pooler.dense.bias']", StringComparison.Ordinal)),
                string.Join("\n", warnings));
        var missing = Path.Combine(mlm.Path, "nothing-here");
        StringAssert.Contains(Assert.Throws<DirectoryNotFoundException>(() => mlContext.Transforms.Deberta.ApplyTextModel(missing)).Message, missing);

        using var regression = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "regression");
        var data = mlContext.Data.LoadFromEnumerable(Rows(4, 1));
        using var model = mlContext.Transforms.Deberta.ApplyTextModel(regression.Path).Fit(data);
        Assert.AreEqual(NumberDataViewType.Single, model.Transform(data).Schema["Score"].Type, "a num_labels 1 checkpoint regresses");
    }
}
