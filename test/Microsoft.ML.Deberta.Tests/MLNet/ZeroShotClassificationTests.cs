using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// <c>ZeroShotClassification</c> by transformers' rules, on a v3 sequence classifier whose head is renamed to NLI labels:
/// scores equal the rules applied to logits computed here pair by pair through the model API (entailment found by name,
/// contradiction 0 or the last id), MapKeyToValue and the multiclass evaluator work, the step loads in a fresh process,
/// and bad input (no labels, a template without {}, no entailment label) fails with a message saying what to do.
/// </summary>
[TestClass]
public sealed class ZeroShotClassificationTests
{
    public TestContext TestContext { get; set; } = null!;

    private static readonly string[] Texts =
    [
        "The team won the match in the last minute.", "Parliament voted on the new budget today.",
        "This recipe needs two eggs and some flour.", "I loved this movie!", "",
    ];

    private static readonly string[] Labels = ["sports", "politics", "cooking"];

    public sealed class Row
    {
        public string Text { get; set; } = "";

        public string Label { get; set; } = "";
    }

    public sealed class LabelRow
    {
        public string Label { get; set; } = "";
    }

    public sealed class Prediction
    {
        public float[] Score { get; set; } = [];

        public string PredictedTopic { get; set; } = "";
    }

    // Logits of every (text, label) pair, one pair per forward pass: independent of the step's batching and sorting.
    private static float[][][] ReferenceLogits(string folder, string template)
    {
        var tokenizer = DebertaTokenizerBase.FromFolder(folder);
        using var model = DebertaCheckpoint.Load<DebertaForSequenceClassification>(folder);
        return Texts.Select(text => Labels.Select(label =>
        {
            var encoding = tokenizer.Encode(text, template.Replace("{}", label), new DebertaEncodeOptions { MaxLength = 512, Truncation = DebertaTruncation.OnlyFirst });
            using var inputs = DebertaInputBatch.FromEncodings([encoding], tokenizer.PadTokenId);
            using var output = model.Predict(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds);
            return output.Logits.data<float>().ToArray();
        }).ToArray()).ToArray();
    }

    private static double[] Expected(float[][] logits, int entailment, int contradiction, bool multiLabel)
    {
        if (multiLabel)
            return logits.Select(l => Math.Exp(l[entailment]) / (Math.Exp(l[entailment]) + Math.Exp(l[contradiction]))).ToArray();
        var e = logits.Select(l => Math.Exp(l[entailment])).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    [TestMethod]
    [DataRow(false, "contradiction", "neutral", "entailment", 2, 0)]
    [DataRow(true, "contradiction", "neutral", "entailment", 2, 0)]
    [DataRow(false, "ENTAILMENT", "neutral", "contradiction", 0, 2)]
    [DataRow(true, "ENTAILMENT", "neutral", "contradiction", 0, 2)]
    public void ScoresFollowTheZeroShotRules(bool multiLabel, string label0, string label1, string label2, int entailment, int contradiction)
    {
        using var checkpoint = NliCheckpoint.FromPipeline("v3_seqcls", label0, label1, label2);
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(Texts.Select((t, i) => new Row { Text = t, Label = Labels[i % 3] }).ToList());

        var model = mlContext.Transforms.Deberta.ZeroShotClassification(checkpoint.Path, Labels, multiLabel: multiLabel, batchSize: 4)
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedTopic", "PredictedLabel"))
            .Fit(data);
        var scored = model.Transform(data);
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        var predicted = scored.GetColumn<string>("PredictedTopic").ToArray();

        var logits = ReferenceLogits(checkpoint.Path, "This example is {}.");
        double worst = 0;
        for (int t = 0; t < Texts.Length; t++)
        {
            var expected = Expected(logits[t], entailment, contradiction, multiLabel);
            for (int l = 0; l < Labels.Length; l++)
            {
                worst = Math.Max(worst, Math.Abs(scores[t][l] - expected[l]));
                Assert.AreEqual(expected[l], scores[t][l], 1e-5, $"text {t}, label {Labels[l]}");
            }
            Assert.AreEqual(Labels[Array.IndexOf(expected, expected.Max())], predicted[t], $"text {t}");
        }
        if (!multiLabel)
            Assert.IsTrue(scores.All(s => Math.Abs(s.Sum() - 1) < 1e-5), "single-label scores sum to 1");
        TestContext.WriteLine($"zero-shot ({(multiLabel ? "multi-label" : "single-label")}, entailment {entailment}, contradiction {contradiction}): max |Δ| {worst:E2}");

        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        scored.Schema["Score"].GetSlotNames(ref slotNames);
        CollectionAssert.AreEqual(Labels, slotNames.DenseValues().Select(v => v.ToString()).ToArray(), "slot names are the labels");
        (model as IDisposable)?.Dispose();
    }

    [TestMethod]
    public void TheMulticlassEvaluatorAndAPredictionEngineWork()
    {
        using var checkpoint = NliCheckpoint.FromPipeline("v3_seqcls", "contradiction", "neutral", "entailment");
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(Texts[..4].Select((t, i) => new Row { Text = t, Label = Labels[i % 3] }).ToList());

        string nliFolder = checkpoint.Path;
        // ---- as in docs/mlnet-guide.md (ZeroShotClassification) ----
        var pipeline = mlContext.Transforms.Deberta.ZeroShotClassification(nliFolder, candidateLabels: ["sports", "politics", "cooking"])
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedTopic", "PredictedLabel"));
        var model = pipeline.Fit(data);
        var engine = mlContext.Model.CreatePredictionEngine<Row, Prediction>(model);
        var prediction = engine.Predict(new Row { Text = "The team won the match in the last minute." });
        Console.WriteLine($"{prediction.PredictedTopic}: {string.Join(", ", prediction.Score)}");   // one score per label, summing to 1
        // ---- end ----

        var batched = model.Transform(data);
        var first = batched.GetColumn<float[]>("Score").First();
        for (int l = 0; l < Labels.Length; l++)
            Assert.AreEqual(first[l], prediction.Score[l], 1e-5, $"engine vs batch, label {l}");
        Assert.AreEqual(batched.GetColumn<string>("PredictedTopic").First(), prediction.PredictedTopic);

        // The label column must be keyed like PredictedLabel: the candidate labels, in order.
        var keyed = mlContext.Transforms.Conversion.MapValueToKey("Label", keyData: mlContext.Data.LoadFromEnumerable(Labels.Select(l => new LabelRow { Label = l })))
            .Fit(batched).Transform(batched);
        var metrics = mlContext.MulticlassClassification.Evaluate(keyed, "Label");
        var truth = data.GetColumn<string>("Label").ToArray();
        var predicted = batched.GetColumn<string>("PredictedTopic").ToArray();
        Assert.AreEqual(truth.Zip(predicted).Count(p => p.First == p.Second) / (double)truth.Length, metrics.MicroAccuracy, 1e-9);
        engine.Dispose();
    }

    [TestMethod]
    public void AZeroShotStepLoadsInAFreshProcessWithIdenticalScores()
    {
        using var checkpoint = NliCheckpoint.FromPipeline("v3_seqcls", "contradiction", "neutral", "entailment");
        var folder = Directory.CreateTempSubdirectory("deberta-zero-shot-tests-").FullName;
        try
        {
            var mlContext = new MLContext(seed: 1);
            var rowsPath = Path.Combine(folder, "rows.tsv");
            File.WriteAllLines(rowsPath, Texts.Select(t => $"{t}\tx"));
            var data = mlContext.Data.LoadFromEnumerable(TextRow.ReadTsv(rowsPath));
            var model = mlContext.Transforms.Deberta.ZeroShotClassification(new ZeroShotClassificationOptions
            {
                ModelFolder = checkpoint.Path, CandidateLabels = Labels, HypothesisTemplate = "It is about {}.", MultiLabel = true,
            }).Fit(data);
            var expected = PredictionDump.Lines(model.Transform(data), "Score", "PredictedLabel");
            var modelPath = Path.Combine(folder, "zero-shot.zip");
            DebertaModelIO.Save(mlContext, model, data.Schema, modelPath);
            (model as IDisposable)?.Dispose();
            var outputPath = Path.Combine(folder, "child-output.txt");
            var result = ChildProcess.Run(["predict-builtin", modelPath, rowsPath, outputPath, "Score", "PredictedLabel"], TimeSpan.FromMinutes(3));
            Assert.AreEqual(0, result.ExitCode, result.Output);
            CollectionAssert.AreEqual(expected, File.ReadAllLines(outputPath).Take(expected.Count).ToArray(), "same scores in a fresh process");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void LabelsFromAColumnFollowTheSameRulesRowByRow()
    {
        using var checkpoint = NliCheckpoint.FromPipeline("v3_seqcls", "contradiction", "neutral", "entailment");
        var folder = Directory.CreateTempSubdirectory("deberta-zero-shot-column-tests-").FullName;
        try
        {
            var mlContext = new MLContext(seed: 1);
            var rowsPath = Path.Combine(folder, "rows.tsv");
            string[] rowLabels = ["sports, politics, cooking", "politics,cooking", "cooking", "sports , cooking"];
            File.WriteAllLines(rowsPath, Texts[..4].Select((t, i) => $"{t}\t{rowLabels[i]}"));
            var data = mlContext.Data.LoadFromEnumerable(TextRow.ReadTsv(rowsPath));
            var model = mlContext.Transforms.Deberta.ZeroShotClassification(checkpoint.Path, candidateLabelsColumnName: "Label", batchSize: 3).Fit(data);
            var scored = model.Transform(data);
            var labels = scored.GetColumn<string[]>("Labels").ToArray();
            var scores = scored.GetColumn<float[]>("Score").ToArray();
            var predicted = scored.GetColumn<string>("PredictedLabel").ToArray();

            var tokenizer = DebertaTokenizerBase.FromFolder(checkpoint.Path);
            using (var nli = DebertaCheckpoint.Load<DebertaForSequenceClassification>(checkpoint.Path))
            {
                for (int t = 0; t < 4; t++)
                {
                    var expectedLabels = rowLabels[t].Split(',').Select(l => l.Trim()).ToArray();
                    CollectionAssert.AreEqual(expectedLabels, labels[t], $"row {t}: labels");
                    var logits = expectedLabels.Select(label =>
                    {
                        var encoding = tokenizer.Encode(Texts[t], $"This example is {label}.", new DebertaEncodeOptions { MaxLength = 512, Truncation = DebertaTruncation.OnlyFirst });
                        using var inputs = DebertaInputBatch.FromEncodings([encoding], tokenizer.PadTokenId);
                        using var output = nli.Predict(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds);
                        return output.Logits.data<float>().ToArray();
                    }).ToArray();
                    // A single label is scored on its own (multi-label), as transformers does.
                    var expected = Expected(logits, 2, 0, multiLabel: expectedLabels.Length == 1);
                    for (int l = 0; l < expected.Length; l++)
                        Assert.AreEqual(expected[l], scores[t][l], 1e-5, $"row {t}, label {expectedLabels[l]}");
                    Assert.AreEqual(expectedLabels[Array.IndexOf(expected, expected.Max())], predicted[t], $"row {t}");
                }
            }

            var expectedLines = PredictionDump.Lines(scored, "Score", "PredictedLabel");
            var modelPath = Path.Combine(folder, "zero-shot-column.zip");
            DebertaModelIO.Save(mlContext, model, data.Schema, modelPath);
            (model as IDisposable)?.Dispose();
            var outputPath = Path.Combine(folder, "child-output.txt");
            var result = ChildProcess.Run(["predict-builtin", modelPath, rowsPath, outputPath, "Score", "PredictedLabel"], TimeSpan.FromMinutes(3));
            Assert.AreEqual(0, result.ExitCode, result.Output);
            CollectionAssert.AreEqual(expectedLines, File.ReadAllLines(outputPath).Take(expectedLines.Count).ToArray(), "same scores in a fresh process");

            using var again = (StructuredScoringTransformer)mlContext.Transforms.Deberta.ZeroShotClassification(checkpoint.Path, candidateLabelsColumnName: "Label").Fit(data);
            var noLabels = mlContext.Data.LoadFromEnumerable(new[] { new TextRow { Text = "A text.", Label = " , " } });
            var e = Assert.Throws<InvalidDataException>(() => again.Transform(noLabels).GetColumn<float[]>("Score").ToArray());
            StringAssert.Contains(e.Message, "Row 1 of a batch of 1");
            StringAssert.Contains(e.Message, "write the row's labels separated by commas");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void BadInputSaysWhatToDo()
    {
        using var nli = NliCheckpoint.FromPipeline("v3_seqcls", "contradiction", "neutral", "entailment");
        using var plain = NliCheckpoint.FromPipeline("v3_seqcls", "negative", "neutral", "positive");
        var deberta = new MLContext(seed: 1).Transforms.Deberta;

        var none = Assert.Throws<ArgumentException>(() => deberta.ZeroShotClassification(nli.Path, []));
        StringAssert.Contains(none.Message, "no candidate labels. Give at least one label");
        var template = Assert.Throws<ArgumentException>(() => deberta.ZeroShotClassification(nli.Path, Labels, hypothesisTemplate: "This example is about a topic."));
        StringAssert.Contains(template.Message, "has no {} where the label should go; write e.g. \"This example is {}.\"");
        var twice = Assert.Throws<ArgumentException>(() => deberta.ZeroShotClassification(nli.Path, ["a", "a"]));
        StringAssert.Contains(twice.Message, "given twice");
        var noEntailment = Assert.Throws<ArgumentException>(() => deberta.ZeroShotClassification(plain.Path, Labels));
        StringAssert.Contains(noEntailment.Message, "names no entailment label (its labels: negative, neutral, positive)");
        StringAssert.Contains(noEntailment.Message, "starting with \"entail\"");
        var both = Assert.Throws<ArgumentException>(() => deberta.ZeroShotClassification(new ZeroShotClassificationOptions
        {
            ModelFolder = nli.Path, CandidateLabels = Labels, CandidateLabelsColumnName = "Label",
        }));
        StringAssert.Contains(both.Message, "set either CandidateLabels or CandidateLabelsColumnName");
        var notNli = Assert.Throws<ArgumentException>(() => deberta.ZeroShotClassification(GoldenData.Bundled("pipelines", "v3_mlm"), Labels));
        StringAssert.Contains(notNli.Message, "is not an NLI sequence classifier");
    }
}
