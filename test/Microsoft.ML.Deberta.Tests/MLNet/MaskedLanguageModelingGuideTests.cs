using Microsoft.ML.Deberta.Tests.Checkpoints;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// The guide's domain-adaptation snippet, run as written there (only the folders and data differ): masked-LM
/// training on unlabelled Yelp sentences from a small masked-LM checkpoint, then a classifier fine-tuned from the result.
/// </summary>
[TestClass]
public sealed class MaskedLanguageModelingGuideTests
{
    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    public void TheGuidesMaskedLanguageModelingSnippetRuns()
    {
        var mlContext = new MLContext(seed: 1);
        var (domainTexts, heldOutTexts) = MaskedLanguageModelingData.Yelp(mlContext, trainCount: 300, heldOutCount: 100);
        using var start = new TemporaryDirectory();
        using var adaptedDirectory = new TemporaryDirectory();
        // A small masked-LM checkpoint to start from (a downloaded one in real use).
        string modelFolder = mlContext.Transforms.Deberta.MaskedLanguageModeling(
            DebertaTestData.SmallConfig(hidden: 32, layers: 1, heads: 2), DebertaTestData.V1TokenizerFolder, start.Path, epochs: 1)
            .Fit(domainTexts).ModelFolder;
        string adaptedFolder = adaptedDirectory.Path;
        var labelledData = mlContext.Data.LoadFromEnumerable(
            SentimentRow.ReadTsv(Path.Combine(AppContext.BaseDirectory, "TestData", "sentiment", "yelp_labelled.txt")).Take(64).ToList());

        // ---- as in docs/mlnet-guide.md ----
        var adapted = mlContext.Transforms.Deberta.MaskedLanguageModeling(modelFolder, outputFolder: adaptedFolder,
                textColumnName: "Text", maxLength: 128, epochs: 3, validationSet: heldOutTexts)
            .Fit(domainTexts);
        Console.WriteLine($"held-out perplexity {adapted.InitialValidationPerplexity:F1} -> {adapted.ValidationPerplexity:F1}");

        var classifier = mlContext.Transforms.Conversion.MapValueToKey("Label", "Sentiment")
            .Append(mlContext.Transforms.Deberta.TextClassification(adapted.ModelFolder, textColumnName: "Text", epochs: 3))
            .Fit(labelledData);
        // ---- end ----

        Assert.AreEqual(adaptedFolder, adapted.ModelFolder);
        Assert.IsLessThan(adapted.InitialValidationPerplexity!.Value, adapted.ValidationPerplexity!.Value, "the adaptation lowered the perplexity");
        var metrics = mlContext.MulticlassClassification.Evaluate(classifier.Transform(labelledData), "Label");
        Assert.IsTrue(double.IsFinite(metrics.LogLoss));
        (classifier as IDisposable)?.Dispose();
    }
}
