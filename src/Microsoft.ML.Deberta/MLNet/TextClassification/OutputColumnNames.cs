namespace Microsoft.ML.Deberta.MLNet;

/// <summary>The names of the columns a scoring transformer adds; ML.NET's defaults unless a user renames them.</summary>
/// <param name="Score">Probabilities (multiclass), log-odds (binary) or the value (regression).</param>
/// <param name="PredictedLabel">The predicted class (classification only).</param>
/// <param name="Probability">The positive class probability (binary only).</param>
internal sealed record OutputColumnNames(string Score = "Score", string PredictedLabel = "PredictedLabel", string Probability = "Probability");
