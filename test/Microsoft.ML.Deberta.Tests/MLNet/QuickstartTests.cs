using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// The code of the README's ML.NET quick start, run as it is written there (only the paths differ): if this test stops
/// compiling or passing, the quick start is wrong. The "pre-trained" folder is a tiny random DeBERTa saved as a
/// Hugging Face checkpoint, since no pre-trained weights are available to the tests.
/// </summary>
[TestClass]
public sealed class QuickstartTests
{
    // ---- as in the README's ML.NET quick start ----
    public class Review
    {
        [LoadColumn(0)] public string Text { get; set; } = "";
        [LoadColumn(1)] public string Sentiment { get; set; } = "";
    }

    public class SentimentPrediction
    {
        public string PredictedSentiment { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    private static (double Accuracy, SentimentPrediction Prediction, ITransformer Model, IDataView Test) Quickstart(
        string dataPath, string modelFolder, string zipPath)
    {
        var mlContext = new MLContext(seed: 0);
        IDataView data = mlContext.Data.LoadFromTextFile<Review>(dataPath, separatorChar: '\t');
        var split = mlContext.Data.TrainTestSplit(data, testFraction: 0.2, seed: 0);

        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label", "Sentiment")
            .Append(mlContext.Transforms.Deberta.TextClassification(modelFolder, textColumnName: "Text", epochs: 2))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedSentiment", "PredictedLabel"));
        ITransformer model = pipeline.Fit(split.TrainSet);

        var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
        Console.WriteLine($"accuracy {metrics.MicroAccuracy:P1}, log-loss {metrics.LogLoss:F3}");

        DebertaModelIO.Save(mlContext, model, data.Schema, zipPath);

        // Later, in the app:
        ITransformer loaded = DebertaModelIO.Load(mlContext, zipPath, out DataViewSchema inputSchema);
        var engine = mlContext.Model.CreatePredictionEngine<Review, SentimentPrediction>(loaded);
        SentimentPrediction prediction = engine.Predict(new Review { Text = "The food was great." });
        Console.WriteLine($"{prediction.PredictedSentiment} ({prediction.Score.Max():P0})");
        // ---- end of the quick start ----
        return (metrics.MicroAccuracy, prediction, model, split.TestSet);
    }

    [TestMethod]
    public void TheQuickstartRunsAsWritten()
    {
        var folder = Directory.CreateTempSubdirectory("deberta-quickstart-").FullName;
        try
        {
            // A stand-in for a downloaded checkpoint: a small random DeBERTa v1 backbone (MLM head) with its tokenizer.
            var modelFolder = Path.Combine(folder, "deberta-small");
            using (var backbone = new DebertaForMaskedLM(DebertaTestData.SmallConfig(hidden: 32, layers: 1), seed: 3))
                backbone.SavePretrained(modelFolder);
            foreach (var file in new[] { "vocab.json", "merges.txt" })
                File.Copy(Path.Combine(DebertaTestData.V1TokenizerFolder, file), Path.Combine(modelFolder, file));
            var dataPath = Path.Combine(AppContext.BaseDirectory, "TestData", "sentiment", "yelp_labelled.txt");

            var (accuracy, prediction, model, test) = Quickstart(dataPath, modelFolder, Path.Combine(folder, "sentiment.zip"));

            Assert.IsTrue(accuracy is >= 0 and <= 1);
            Assert.Contains(prediction.PredictedSentiment, new[] { "0", "1" });
            Assert.HasCount(2, prediction.Score);
            Assert.AreEqual(1.0, prediction.Score.Sum(), 1e-5);
            var mlContext = new MLContext(seed: 0);
            var loaded = DebertaModelIO.Load(mlContext, Path.Combine(folder, "sentiment.zip"), out _);
            CollectionAssert.AreEqual(model.Transform(test).GetColumn<float[]>("Score").SelectMany(s => s).ToArray(),
                loaded.Transform(test).GetColumn<float[]>("Score").SelectMany(s => s).ToArray());
            (loaded as IDisposable)?.Dispose();
            (model as IDisposable)?.Dispose();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void TheOtherSnippetsBuildTheirEstimators()
    {
        var mlContext = new MLContext(seed: 0);
        using var fineTuned = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls");
        string modelFolder = fineTuned.Path, fineTunedFolder = fineTuned.Path, tokenizerFolder = DebertaTestData.V1TokenizerFolder;
        var data = mlContext.Data.LoadFromEnumerable(new[] { new Review { Text = "a,b" } });
        IDataView validation = data;
        using var cancellation = new CancellationTokenSource();
        var token = cancellation.Token;

        // ---- as in the README's ML.NET quick start ----
        // Premise/hypothesis pairs: [CLS] premise [SEP] hypothesis [SEP].
        mlContext.Transforms.Deberta.TextClassification(modelFolder, textColumnName: "Premise", textPairColumnName: "Hypothesis");

        // A number per text (Single label).
        mlContext.Transforms.Deberta.TextRegression(modelFolder, labelColumnName: "Rating");

        // Every setting, with its default.
        mlContext.Transforms.Deberta.TextClassification(new TextClassificationOptions
        {
            ModelFolder = modelFolder,        // or Config + TokenizerFolder to train from scratch
            TextColumnName = "Text", TextPairColumnName = null, LabelColumnName = "Label",
            MaxLength = 256,                  // tokens per example, special tokens included
            LongTextStrategy = LongTextStrategy.Truncate, // or HeadAndTail, or SlidingWindows (scores averaged over windows)
            Stride = null,                    // sliding windows: tokens shared by consecutive windows (null: MaxLength / 4)
            BatchSize = 16, Epochs = 3, LearningRate = 3e-5, WarmupRatio = 0.1, WeightDecay = 0.01, MaxGradientNorm = 1.0,
            Seed = null,                      // null: drawn from the MLContext's seed
            ValidationSet = validation,       // scored after every epoch (macro-F1 / RMSE); the best epoch's weights are kept
            EarlyStoppingPatience = 2,        // epochs without improvement before stopping (0: never; needs ValidationSet)
            Progress = new Progress<TrainingProgress>(p => Console.WriteLine($"epoch {p.Epoch} step {p.Step}/{p.TotalSteps} loss {p.Loss:F4} ETA {p.EstimatedRemaining}")),
            CancellationToken = token,        // Fit throws OperationCanceledException and writes nothing
            ReinitializeHead = false,         // see below
        });

        // A fine-tuned sequence classifier as it is, no training: PredictedLabel's key values and Score's slot names are its id2label.
        var classifier = mlContext.Transforms.Deberta.ApplyTextModel(fineTunedFolder, textColumnName: "Text").Fit(data);

        // Model inputs as columns (Vector<Int64>): InputIds, AttentionMask, TokenTypeIds; fixed-size when padded.
        var tokenize = mlContext.Transforms.Deberta.Tokenize(tokenizerFolder, textColumnName: "Text", maxLength: 128, padToMaxLength: true);
        // ---- end ----

        // The defaults the snippet states are the options' defaults.
        var defaults = new TextClassificationOptions();
        Assert.AreEqual((256, 16, 3, 3e-5, 0.1, 0.01, 1.0, LongTextStrategy.Truncate, 0),
            (defaults.MaxLength, defaults.BatchSize, defaults.Epochs, defaults.LearningRate, defaults.WarmupRatio, defaults.WeightDecay,
             defaults.MaxGradientNorm, defaults.LongTextStrategy, defaults.EarlyStoppingPatience));
        Assert.AreEqual(3, classifier.Transform(data).GetColumn<float[]>("Score").Single().Length);
        Assert.AreEqual(128, tokenize.Fit(data).Transform(data).GetColumn<long[]>("InputIds").Single().Length);
        classifier.Dispose();
    }
}
