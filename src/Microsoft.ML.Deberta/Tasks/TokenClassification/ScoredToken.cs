namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>A token of the text with its label probabilities (the pipeline's <c>pre_entity</c>).</summary>
/// <param name="Word">The token string, or the text it covers for an unknown token.</param>
/// <param name="Probabilities">Softmax over the labels.</param>
/// <param name="Start">Start of its span in the text.</param>
/// <param name="End">End (exclusive) of its span.</param>
/// <param name="Index">Its position in the window.</param>
/// <param name="IsSubword">Whether it continues the word of the token before it.</param>
internal sealed record ScoredToken(string Word, float[] Probabilities, int Start, int End, int Index, bool IsSubword);
