using Microsoft.ML.Deberta.AutoML;
using Microsoft.ML.Deberta.Tests.MLNet;

namespace Microsoft.ML.Deberta.Tests.AutoML;

/// <summary>Small slices of the bundled Yelp sentences and a tiny search space, so that a sweep takes seconds.</summary>
internal static class AutoMLTestData
{
    public static string YelpPath => Path.Combine(AppContext.BaseDirectory, "TestData", "sentiment", "yelp_labelled.txt");

    /// <summary>The first <paramref name="count"/> Yelp rows (500 of each class in the file, mixed).</summary>
    public static IDataView Yelp(MLContext mlContext, int count) =>
        mlContext.Data.LoadFromEnumerable(SentimentRow.ReadTsv(YelpPath).Take(count).ToList());

    /// <summary>From scratch, the tiny size only, short texts, one or two epochs.</summary>
    public static HyperparameterSpace TinySpace() => DebertaSearchSpaces.FromScratch(ScratchModelSizes.Tiny)
        .With(new ChoiceDimension("MaxLength", [32]))
        .With(new NumericDimension("Epochs", 1, 2, 1, isInteger: true));

    public static TextAutoMLExperiment Experiment(MLContext mlContext, int rows = 160) => new TextAutoMLExperiment(mlContext, seed: 3)
        .SetDataset(Yelp(mlContext, rows), validationFraction: 0.25)
        .SetColumns(labelColumn: "Sentiment", textColumn: "Text")
        .SetTask(TextAutoMLTask.BinaryClassification)
        .SetSearchSpace(TinySpace(), DebertaTestData.V1TokenizerFolder);
}
