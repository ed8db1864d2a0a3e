using Microsoft.ML.Deberta.Tests.Checkpoints;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// A one-off measurement, not part of the suite (it runs only with <c>DEBERTA_MEASURE_MLM_TRANSFER</c> set to the
/// number of masked-LM epochs, e.g. 10, and takes minutes): does masked-LM training on the Yelp training sentences help a small classifier? The same small config is
/// fine-tuned on the same 80% of Yelp with the same budget, once from scratch and once from the masked-LM-trained
/// model, and both are scored on the other 20% with ML.NET's evaluator.
/// </summary>
[TestClass]
[TestCategory("Measurement")]
public sealed class MaskedLanguageModelingTransferMeasurement
{
    public TestContext TestContext { get; set; } = null!;

    private static TextClassificationOptions Classifier(int seed) => new()
    {
        LabelColumnName = "Label", MaxLength = 64, BatchSize = 16, Epochs = 6, LearningRate = 1e-3, WarmupRatio = 0.1, Seed = seed,
    };

    [TestMethod]
    [Timeout(3_600_000, CooperativeCancellation = true)]
    public void AClassifierFromTheMaskedLMAdaptedModelAgainstOneFromScratch()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("DEBERTA_MEASURE_MLM_TRANSFER"), out int mlmEpochs) || mlmEpochs < 1)
            Assert.Inconclusive("A one-off measurement: set DEBERTA_MEASURE_MLM_TRANSFER to the masked-LM epochs (e.g. 10) to run it.");
        var mlContext = new MLContext(seed: 1);
        var rows = SentimentRow.ReadTsv(Path.Combine(AppContext.BaseDirectory, "TestData", "sentiment", "yelp_labelled.txt"));
        var split = mlContext.Data.TrainTestSplit(mlContext.Data.LoadFromEnumerable(rows), testFraction: 0.2, seed: 7);
        var config = DebertaTestData.SmallConfig(hidden: 64, layers: 2, heads: 2);

        using var adapted = new TemporaryDirectory();
        var mlm = mlContext.Transforms.Deberta.MaskedLanguageModeling(new MaskedLanguageModelingOptions
        {
            Config = config, TokenizerFolder = DebertaTestData.V1TokenizerFolder, OutputFolder = adapted.Path,
            MaxLength = 64, BatchSize = 16, Epochs = mlmEpochs, LearningRate = 2e-3, Seed = 5,
        }).Fit(split.TrainSet); // the training split's texts only: the test sentences stay unseen
        TestContext.WriteLine("masked-LM training loss per epoch: " + string.Join(", ", mlm.Epochs.Select(e => e.TrainingLoss.ToString("F3"))));

        foreach (int seed in new[] { 42, 43 })
        {
            var scratch = Classifier(seed);
            scratch.Config = config;
            scratch.TokenizerFolder = DebertaTestData.V1TokenizerFolder;
            var fromMlm = Classifier(seed);
            fromMlm.ModelFolder = adapted.Path;
            double a = Accuracy(mlContext, scratch, split), b = Accuracy(mlContext, fromMlm, split);
            var line = $"seed {seed}: Yelp test accuracy from scratch {a:F4}, from the masked-LM-trained model {b:F4}";
            TestContext.WriteLine(line);
            Console.WriteLine(line);
        }
    }

    private static double Accuracy(MLContext mlContext, TextClassificationOptions options, DataOperationsCatalog.TrainTestData split)
    {
        var model = mlContext.Transforms.Conversion.MapValueToKey("Label", "Sentiment")
            .Append(mlContext.Transforms.Deberta.TextClassification(options)).Fit(split.TrainSet);
        double accuracy = mlContext.MulticlassClassification.Evaluate(model.Transform(split.TestSet), "Label").MicroAccuracy;
        (model as IDisposable)?.Dispose();
        return accuracy;
    }
}
