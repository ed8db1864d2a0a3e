using System.Text.Json.Nodes;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.FillMask;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// Masked-LM training through the ML.NET catalog on real text (Yelp sentences): the held-out perplexity falls far below
/// its start; the saved folder has the keys and config fields of transformers' own non-legacy masked-LM folders (the
/// golden <c>mlm_nonlegacy</c> references), and loads for fill-mask and as TextClassification's starting checkpoint.
/// </summary>
[TestClass]
public sealed class MaskedLanguageModelingTests
{
    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    public void HeldOutYelpPerplexityFallsFarBelowItsStart()
    {
        var mlContext = new MLContext(seed: 1);
        var (train, heldOut) = MaskedLanguageModelingData.Yelp(mlContext);
        var reports = new List<TrainingProgress>();
        var log = new List<string>();
        mlContext.Log += (_, e) => { lock (log) log.Add(e.RawMessage); };
        using var output = new TemporaryDirectory();
        var result = mlContext.Transforms.Deberta.MaskedLanguageModeling(new MaskedLanguageModelingOptions
        {
            Config = DebertaTestData.SmallConfig(hidden: 64, layers: 1, heads: 2),
            TokenizerFolder = DebertaTestData.V1TokenizerFolder,
            OutputFolder = output.Path,
            MaxLength = 64,
            BatchSize = 16,
            Epochs = 4,
            LearningRate = 2e-3,
            Seed = 3,
            ValidationSet = heldOut,
            Progress = new SynchronousProgress<TrainingProgress>(reports.Add),
        }).Fit(train);

        var perplexities = result.Epochs.Select(e => e.ValidationMetric!.Value).ToList();
        double start = result.InitialValidationPerplexity!.Value, end = result.ValidationPerplexity!.Value;
        Console.WriteLine($"held-out Yelp perplexity: {start:F1} before training → " + string.Join(" → ", perplexities.Select(p => p.ToString("F1"))) +
            $" (saved: epoch {result.BestEpoch}, {end:F1}); epochs took " + string.Join(", ", result.Epochs.Select(e => $"{e.Duration.TotalSeconds:F1} s")));
        Assert.IsGreaterThan(10_000, start, "an untrained model is close to uniform over 50,262 ids");
        Assert.IsLessThan(start / 20, end, "the perplexity falls far below its start");
        Assert.AreEqual(perplexities.Min(), end, "the saved weights are the best epoch's");
        Assert.IsTrue(reports.Any(r => r.ValidationMetricName == MaskedLMTrainer.PerplexityMetricName && r.ValidationMetric is not null));
        Assert.AreEqual(reports[^1].TotalSteps, reports[^1].Step, "progress reached the last step");
        Assert.IsTrue(log.Any(l => l.Contains("Validation perplexity before training")), "the log reaches MLContext.Log");
    }

    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    public void TheSavedFolderHasTheReferenceKeysAndConfigFieldsOfANonLegacyMaskedLM()
    {
        var references = Directory.GetDirectories(GoldenData.RequireFolder("models"))
            .Select(v => Path.Combine(v, "mlm_nonlegacy")).Where(Directory.Exists).OrderBy(p => p, StringComparer.Ordinal).ToList();
        if (references.Count == 0)
            GoldenData.NothingToCompare("no models/*/mlm_nonlegacy folder");
        var mlContext = new MLContext(seed: 1);
        var (train, _) = MaskedLanguageModelingData.Yelp(mlContext, trainCount: 100);
        foreach (var reference in references)
        {
            var config = MaskedLanguageModelingData.ReferenceConfigForV1Tokenizer(reference);
            using var output = new TemporaryDirectory();
            mlContext.Transforms.Deberta.MaskedLanguageModeling(config, DebertaTestData.V1TokenizerFolder, output.Path,
                maxLength: Math.Min(64, config.MaxPositionEmbeddings), epochs: 1).Fit(train);

            CollectionAssert.AreEquivalent(CheckpointFiles.ReadKeys(reference).ToList(), CheckpointFiles.ReadKeys(output.Path).ToList(),
                $"the saved tensors have the keys of {reference}");
            var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(reference, "config.json")))!.AsObject();
            var saved = JsonNode.Parse(File.ReadAllText(Path.Combine(output.Path, "config.json")))!.AsObject();
            var missing = expected.Select(p => p.Key).Where(k => !saved.ContainsKey(k)).ToList();
            Assert.IsEmpty(missing, $"config fields of {reference} missing from the saved config: {string.Join(", ", missing)}");
            Assert.IsFalse(saved["legacy"]!.GetValue<bool>(), "legacy false: the lm_predictions.lm_head head");
            Assert.AreEqual(expected["architectures"]![0]!.GetValue<string>(), saved["architectures"]![0]!.GetValue<string>());
            Assert.AreEqual(expected["model_type"]!.GetValue<string>(), saved["model_type"]!.GetValue<string>());
            using var loaded = MaskedLMCheckpoint.LoadTrained(output.Path);
            Console.WriteLine($"{Path.GetFileName(Path.GetDirectoryName(reference))}/mlm_nonlegacy: {CheckpointFiles.ReadKeys(output.Path).Count} keys and " +
                $"{expected.Count} config fields as the reference; loads as a trained masked LM");
        }
    }

    [TestMethod]
    public void SaveThenReloadGivesTheSameLogitsAndPerplexity()
    {
        var tokenizer = DebertaTokenizerBase.FromFolder(DebertaTestData.V1TokenizerFolder);
        var config = DebertaTestData.SmallConfig(hidden: 32, layers: 1, heads: 2);
        config.Legacy = false;
        using var model = new DebertaForMaskedLM(config, seed: 2);
        var sentences = Training.LanguageModelingMaskerTests.YelpSentences();
        var train = LanguageModelingExamples.Build(tokenizer.EncodeBatch(sentences.Take(200).ToList()), 32, groupTexts: true);
        var heldOut = LanguageModelingExamples.Build(tokenizer.EncodeBatch(sentences.TakeLast(50).ToList()), 32, groupTexts: false);
        new MaskedLMTrainer(new MaskedLMTrainingOptions { Epochs = 1, LearningRate = 1e-3, Seed = 4 })
            .Train(model, tokenizer.MaskTokenId, tokenizer.VocabularySize, train);

        using var folder = new TemporaryDirectory();
        model.SavePretrained(folder.Path);
        using var reloaded = MaskedLMCheckpoint.LoadTrained(folder.Path);
        var masker = new LanguageModelingMasker(tokenizer.MaskTokenId, tokenizer.VocabularySize, 0.15, wholeWords: false);
        var random = new Random(8);
        var masked = heldOut.Select(e => MaskedSequence.Draw(e, masker, random)).ToList();
        double before = MaskedLMTrainer.Perplexity(model, masked, 16, default), after = MaskedLMTrainer.Perplexity(reloaded, masked, 16, default);
        Assert.AreEqual(before, after, "the same perplexity after a save and reload");

        using var scope = NewDisposeScope();
        var (batch, _) = MaskedSequence.Batch(masked.Take(8).ToList(), 0, CPU);
        using var expected = model.Predict(batch.InputIds, batch.AttentionMask);
        using var actual = reloaded.Predict(batch.InputIds, batch.AttentionMask);
        Assert.AreEqual(0.0, (expected.Logits - actual.Logits).abs().max().item<float>(), "bit-identical logits");
    }

    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    public void TheAdaptedModelLoadsForFillMaskAndAsTextClassificationsStart()
    {
        var mlContext = new MLContext(seed: 1);
        var (train, _) = MaskedLanguageModelingData.Yelp(mlContext, trainCount: 200);
        using var output = new TemporaryDirectory();
        var result = mlContext.Transforms.Deberta.MaskedLanguageModeling(
            DebertaTestData.SmallConfig(hidden: 32, layers: 1, heads: 2), DebertaTestData.V1TokenizerFolder, output.Path,
            maxLength: 32, epochs: 1).Fit(train);

        // Fill-mask: the trained head, decoded by the fill-mask rules.
        var tokenizer = DebertaTokenizerBase.FromFolder(result.ModelFolder);
        using var mlm = MaskedLMCheckpoint.LoadTrained(result.ModelFolder);
        var encoding = tokenizer.Encode("The food was [MASK].");
        using (var scope = NewDisposeScope())
        {
            var ids = tensor(encoding.InputIds.Select(i => (long)i).ToArray(), [1, encoding.Length]);
            using var logits = mlm.Predict(ids);
            var predictions = new FillMaskDecoder(tokenizer).Decode(encoding.InputIds, logits.Logits[0].data<float>().ToArray(), mlm.Config.VocabSize);
            Assert.HasCount(1, predictions);
            Assert.HasCount(FillMaskDecoder.DefaultTopK, predictions[0]);
            Assert.IsTrue(predictions[0].All(p => p.Score > 0 && p.Score < 1));
        }

        // TextClassification: the adapted encoder with a new head.
        using (var classifier = DebertaCheckpoint.Load<DebertaForSequenceClassification>(result.ModelFolder))
        {
            var expected = mlm.Backbone.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, parameter) in classifier.Backbone.named_parameters())
                Assert.IsTrue(parameter.eq(expected[name]).all().item<bool>(), $"{name} is the adapted model's");
        }
        var log = new List<string>();
        mlContext.Log += (_, e) => { lock (log) log.Add(e.RawMessage); };
        var rows = SentimentRow.ReadTsv(Path.Combine(AppContext.BaseDirectory, "TestData", "sentiment", "yelp_labelled.txt")).Take(48).ToList();
        var data = mlContext.Data.LoadFromEnumerable(rows);
        var model = mlContext.Transforms.Conversion.MapValueToKey("Label", "Sentiment")
            .Append(mlContext.Transforms.Deberta.TextClassification(result.ModelFolder, maxLength: 32, epochs: 1))
            .Fit(data);
        var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(data), "Label");
        Assert.IsTrue(double.IsFinite(metrics.LogLoss));
        Assert.IsTrue(log.Any(l => l.Contains("ForMaskedLM) with a new head")), "TextClassification started from the adapted checkpoint");
        (model as IDisposable)?.Dispose();
    }
    [TestMethod]
    public void TheSameSeedTrainsTheSameModel()
    {
        var tokenizer = DebertaTokenizerBase.FromFolder(DebertaTestData.V1TokenizerFolder);
        var sentences = Training.LanguageModelingMaskerTests.YelpSentences().Take(100).ToList();
        var train = LanguageModelingExamples.Build(tokenizer.EncodeBatch(sentences), 32, groupTexts: true);
        float[] Train(int seed)
        {
            var config = DebertaTestData.SmallConfig(hidden: 32, layers: 1, heads: 2);
            config.Legacy = false;
            using var model = new DebertaForMaskedLM(config, seed: 2);
            new MaskedLMTrainer(new MaskedLMTrainingOptions { Epochs = 1, LearningRate = 1e-3, Seed = seed, WholeWordMasking = true })
                .Train(model, tokenizer.MaskTokenId, tokenizer.VocabularySize, train);
            using var scope = NewDisposeScope();
            return cat(model.parameters().Select(p => p.detach().flatten()).ToArray()).data<float>().ToArray();
        }
        var first = Train(6);
        CollectionAssert.AreEqual(first, Train(6), "same seed, same weights");
        CollectionAssert.AreNotEqual(first, Train(7), "another seed, other masks and order");
    }

    [TestMethod]
    public void CancellationStopsFitAndWritesNothing()
    {
        var mlContext = new MLContext(seed: 1);
        var (train, _) = MaskedLanguageModelingData.Yelp(mlContext, trainCount: 100);
        using var output = new TemporaryDirectory();
        using var cancel = new CancellationTokenSource();
        var reports = new List<TrainingProgress>();
        var trainer = mlContext.Transforms.Deberta.MaskedLanguageModeling(new MaskedLanguageModelingOptions
        {
            Config = DebertaTestData.SmallConfig(hidden: 32, layers: 1, heads: 2),
            TokenizerFolder = DebertaTestData.V1TokenizerFolder,
            OutputFolder = output.Path,
            MaxLength = 32,
            Epochs = 3,
            Progress = new SynchronousProgress<TrainingProgress>(r => { reports.Add(r); cancel.Cancel(); }),
            CancellationToken = cancel.Token,
        });
        Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Fit(train));
        Assert.HasCount(1, reports, "cancelled at the first report (end of epoch 1)");
        Assert.IsFalse(Directory.EnumerateFileSystemEntries(output.Path).Any(), "nothing is written");
    }
}
