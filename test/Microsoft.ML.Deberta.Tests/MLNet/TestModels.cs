using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>Builds the ML.NET layer's estimator and transformer around the fake model.</summary>
internal static class TestModels
{
    public static TextScoringEstimator Estimator(MLContext mlContext, FakeTextTrainer trainer, TextScoringSettings? settings = null) =>
        new(mlContext.Transforms.Deberta, settings ?? Classification(), trainer);

    public static TextScoringSettings Classification(string label = "Label", string? pair = null) =>
        new() { Columns = new TextColumns("Text", pair), LabelColumn = label, InferenceBatchSize = 4, Seed = 11 };

    public static TextScoringSettings Regression(string label = "Value") =>
        new() { Columns = new TextColumns("Text"), LabelColumn = label, Task = TextTask.Regression, InferenceBatchSize = 4, Seed = 11 };

    /// <summary>A transformer around a given scorer, with 3-class multiclass outputs named sports/food/tech unless told otherwise.</summary>
    public static TextScoringTransformer Transformer(MLContext mlContext, FakeTextScorer scorer, int batchSize = 4,
        PredictionColumns? predictions = null, TextColumns? columns = null) =>
        new(mlContext.Transforms.Deberta.Environment, scorer, columns ?? new TextColumns("Text"),
            predictions ?? PredictionColumns.Multiclass(new OutputColumnNames(), 3,
                LabelKeyValues.FromText(Data.TextDataViewType.Instance, ["sports", "food", "tech"])),
            batchSize);

    /// <summary>MapValueToKey(Label) → the estimator → MapKeyToValue(PredictedLabelValue ← PredictedLabel).</summary>
    public static IEstimator<ITransformer> ClassificationPipeline(MLContext mlContext, FakeTextTrainer trainer, TextScoringSettings? settings = null) =>
        mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(Estimator(mlContext, trainer, settings))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabelValue", "PredictedLabel"));
}
