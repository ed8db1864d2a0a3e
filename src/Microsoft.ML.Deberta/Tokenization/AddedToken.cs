namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// A token matched literally in the raw text before the model runs (transformers' <c>AddedToken</c>): the special
/// tokens and any entry of <c>added_tokens.json</c>. <see cref="LStrip"/> / <see cref="RStrip"/> make a match
/// absorb the whitespace before / after it (DeBERTa v1's <c>[MASK]</c> has <c>lstrip=True</c>).
/// </summary>
internal sealed record AddedToken(string Content, int Id, bool LStrip, bool RStrip, bool Special);
