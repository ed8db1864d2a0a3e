namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// One row's fill-mask propositions, flattened mask by mask: for a text with M masks and k propositions per mask,
/// each array holds M × k values, mask 0's k propositions (best first), then mask 1's, and so on.
/// </summary>
/// <param name="Tokens">The proposed tokens (transformers' token_str).</param>
/// <param name="Scores">Their probabilities.</param>
/// <param name="Sequences">The text with that mask filled by the token.</param>
/// <param name="TokenIds">The proposed token ids.</param>
internal sealed record FillMaskRow(string[] Tokens, float[] Scores, string[] Sequences, int[] TokenIds);
