namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>The label of one word: the prediction at its first token.</summary>
/// <param name="LabelId">The label's id (argmax of the softmax).</param>
/// <param name="Score">Its probability.</param>
public readonly record struct WordPrediction(int LabelId, float Score);
