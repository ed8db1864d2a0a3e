using System.IO.Compression;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.MLNet.TokenClassification;

/// <summary>
/// A small DeBERTa trained from scratch through the ML.NET API learns the Yelp NER task (TestData/ner/README.md):
/// entity F1 on held-out sentences far above chance, per-word keys that are the tags' own key values, entity columns
/// that point into the text, and the same outputs after saving, in a PredictionEngine and in a fresh process.
/// </summary>
[TestClass]
public sealed class YelpNerLearningTests
{
    public TestContext TestContext { get; set; } = null!;

    private string PathOf(string name) => Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"{nameof(YelpNerLearningTests)}-{Guid.NewGuid():N}-{name}");

    [TestMethod]
    public void ASmallModelFromScratchLearnsEntitiesAndKeepsThemThroughSaveAndLoad()
    {
        var mlContext = new MLContext(seed: 1);
        mlContext.Log += (_, e) => { if (e.Message.Contains("Epoch", StringComparison.Ordinal)) TestContext.WriteLine(e.Message); };
        var all = mlContext.Data.LoadFromConllFile(NerData.YelpConll);
        Assert.AreEqual(1000L, all.GetRowCount() ?? all.GetColumn<string>("Text").LongCount());
        var tags = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(all);
        // Sentences 1-700 train, 701-800 validate (best epoch), 801-1000 are held out for the reported figure.
        var train = tags.Transform(mlContext.Data.TakeRows(all, 700));
        var validation = tags.Transform(mlContext.Data.TakeRows(mlContext.Data.SkipRows(all, 700), 100));
        var heldOut = tags.Transform(mlContext.Data.SkipRows(all, 800));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var estimator = mlContext.Transforms.Deberta.TokenClassification(new TokenClassificationOptions
        {
            Config = DebertaTestData.SmallConfig(hidden: 32, layers: 1, heads: 2),
            TokenizerFolder = DebertaTestData.V1TokenizerFolder,
            MaxLength = 32,
            Stride = 8,
            BatchSize = 16,
            Epochs = 4,
            LearningRate = 5e-3,
            Seed = 5,
            ValidationSet = validation,
        });
        using var model = estimator.Fit(train);
        var trainingTime = clock.Elapsed;

        var scored = model.Transform(heldOut);
        var metrics = mlContext.Transforms.Deberta.EvaluateTokenClassification(scored);
        TestContext.WriteLine($"Yelp NER held out (200 sentences): entity P {metrics.Micro.Precision:F3} R {metrics.Micro.Recall:F3} F1 {metrics.Micro.F1:F3}, " +
            $"token accuracy {metrics.TokenAccuracy:F3}; " + string.Join(", ", metrics.PerType.Select(t => $"{t.Key} F1 {t.Value.F1:F3} ({t.Value.Support})")) +
            $"; trained in {trainingTime.TotalSeconds:F0} s");
        // Chance: tagging every word O (the majority tag) finds no entity, F1 0; tagging words at random with the
        // training tag frequencies finds about 3% of the entities at 3% precision, F1 ≈ 0.03.
        Assert.IsGreaterThan(0.35, metrics.Micro.F1, "entity F1 far above chance (measured 0.49 with this seed)");
        Assert.IsGreaterThan(0.9, metrics.TokenAccuracy);

        // PredictedLabel carries the tags' own key values: mapped back, the tags equal the gold tags word for word.
        var mapped = mlContext.Transforms.Conversion.MapKeyToValue("PredictedTags", "PredictedLabel")
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("GoldTags", "Label")).Fit(scored).Transform(scored);
        var gold = mapped.GetColumn<string[]>("GoldTags").ToArray();
        var predicted = mapped.GetColumn<string[]>("PredictedTags").ToArray();
        var texts = mapped.GetColumn<string>("Text").ToArray();
        int words = 0, equal = 0;
        for (int row = 0; row < gold.Length; row++)
        {
            Assert.HasCount(gold[row].Length, predicted[row], $"row {row}: one tag per word");
            words += gold[row].Length;
            equal += gold[row].Zip(predicted[row]).Count(p => p.First == p.Second);
        }
        Assert.AreEqual(metrics.TokenAccuracy, (double)equal / words, 1e-12, "the tags read back are the ones evaluated");

        // Entities point into the text and are of the task's types.
        var entityText = scored.GetColumn<string[]>("EntityText").ToArray();
        var starts = scored.GetColumn<int[]>("EntityStart").ToArray();
        var ends = scored.GetColumn<int[]>("EntityEnd").ToArray();
        var groups = scored.GetColumn<string[]>("EntityGroup").ToArray();
        Assert.IsGreaterThan(50, groups.Sum(g => g.Length));
        for (int row = 0; row < texts.Length; row++)
            for (int e = 0; e < groups[row].Length; e++)
            {
                Assert.AreEqual(texts[row][starts[row][e]..ends[row][e]], entityText[row][e], $"row {row} entity {e}");
                Assert.Contains(groups[row][e], new[] { "FOOD", "STAFF" });
            }

        // A text longer than one window (MaxLength 32) gets a tag for every word.
        string longText = string.Join(" ", texts.Take(8));
        var longRow = model.Transform(NerData.Texts(mlContext, [longText])).GetColumn<uint[]>("PredictedLabel").Single();
        Assert.HasCount(longText.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length, longRow);

        SaveLoadAndCompare(mlContext, model, heldOut.Schema, [.. texts.Take(20), longText, ""]);
    }

    private void SaveLoadAndCompare(MLContext mlContext, ITransformer model, DataViewSchema schema, string[] texts)
    {
        var input = NerData.Texts(mlContext, texts);
        var expected = PredictionDump.Lines(model.Transform(input), NerData.OutputColumns);
        Assert.AreEqual("||||||", expected[^1].Replace("\t", "|"), "an empty text has no words and no entities");

        using (var engine = mlContext.Model.CreatePredictionEngine<TextRow, NerData.NerPrediction>(model, new PredictionEngineOptions { OwnsTransformer = false }))
        {
            var transformed = mlContext.Data.CreateEnumerable<NerData.NerPrediction>(model.Transform(input), reuseRowObject: false).ToArray();
            for (int i = texts.Length - 1; i >= 0; i--) // longest rows first, then short ones: no stale tails
            {
                var p = engine.Predict(new TextRow { Text = texts[i] });
                CollectionAssert.AreEqual(transformed[i].PredictedLabel, p.PredictedLabel, $"row {i}");
                // One row alone is padded differently from a batch: scores agree to float rounding, labels exactly.
                Assert.HasCount(transformed[i].Score.Length, p.Score);
                for (int w = 0; w < p.Score.Length; w++)
                    Assert.AreEqual(transformed[i].Score[w], p.Score[w], 1e-5f, $"row {i} word {w}");
                CollectionAssert.AreEqual(transformed[i].EntityText, p.EntityText, $"row {i}");
                CollectionAssert.AreEqual(transformed[i].EntityStart, p.EntityStart, $"row {i}");
                Assert.HasCount(transformed[i].EntityScore.Length, p.EntityScore);
            }
        }

        var modelPath = PathOf("ner.zip");
        DebertaModelIO.Save(mlContext, model, schema, modelPath);
        using (var zip = ZipFile.OpenRead(modelPath))
        {
            var names = zip.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("Microsoft.ML.Deberta/step_000/row_step.json", names);
            Assert.Contains("Microsoft.ML.Deberta/step_000/model/token_classification.json", names);
            Assert.Contains("Microsoft.ML.Deberta/step_000/model/model.safetensors", names);
        }
        var loaded = DebertaModelIO.Load(new MLContext(seed: 9), modelPath, out _);
        CollectionAssert.AreEqual(expected, PredictionDump.Lines(loaded.Transform(input), NerData.OutputColumns), "same outputs after loading");
        (loaded as IDisposable)?.Dispose();

        var rowsPath = PathOf("rows.tsv");
        NerData.WriteRows(rowsPath, texts);
        var outputPath = PathOf("child.txt");
        var result = ChildProcess.Run(["predict-builtin", modelPath, rowsPath, outputPath, .. NerData.OutputColumns], TimeSpan.FromMinutes(3));
        Assert.AreEqual(0, result.ExitCode, result.Output);
        CollectionAssert.AreEqual(expected, File.ReadAllLines(outputPath).Take(expected.Count).ToArray(), "same outputs in a fresh process");
    }
}
