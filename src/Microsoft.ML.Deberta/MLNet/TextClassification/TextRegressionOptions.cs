namespace Microsoft.ML.Deberta;

/// <summary>
/// Options of <c>mlContext.Transforms.Deberta.TextRegression</c>: a Single label; the output <c>Score</c> is the
/// predicted value, for <c>Regression.Evaluate</c>. The head is trained with mean squared error.
/// </summary>
public sealed class TextRegressionOptions : TextTrainerOptions
{
}
