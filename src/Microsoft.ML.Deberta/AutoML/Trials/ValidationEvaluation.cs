namespace Microsoft.ML.Deberta.AutoML;

/// <summary>A model's metrics on the validation rows, and what the report draws from them.</summary>
/// <param name="Metrics">Every metric of the task.</param>
/// <param name="ClassNames">Classification: class names in key order; null for regression.</param>
/// <param name="ConfusionMatrix">Classification: rows = true class, columns = predicted class; null for regression.</param>
/// <param name="Targets">Regression: the true values; null for classification.</param>
/// <param name="Predictions">Regression: the predicted values; null for classification.</param>
public sealed record ValidationEvaluation(
    IReadOnlyDictionary<TextAutoMLMetric, double> Metrics,
    IReadOnlyList<string>? ClassNames, int[][]? ConfusionMatrix,
    IReadOnlyList<float>? Targets, IReadOnlyList<float>? Predictions);
