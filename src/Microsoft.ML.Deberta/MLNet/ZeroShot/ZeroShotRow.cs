namespace Microsoft.ML.Deberta.MLNet;

/// <summary>One row's zero-shot result when the row brings its own candidate labels.</summary>
/// <param name="Labels">The row's candidate labels, in the order given.</param>
/// <param name="Scores">Their scores, aligned with <paramref name="Labels"/> (softmax across them, or each on its own for multi-label).</param>
/// <param name="PredictedLabel">The label with the highest score.</param>
internal sealed record ZeroShotRow(string[] Labels, float[] Scores, string PredictedLabel);
