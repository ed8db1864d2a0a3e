namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>
/// One entity of transformers' token-classification pipeline: a token (aggregation none) or a group of tokens or
/// words.
/// </summary>
/// <param name="Label">The token's label (<c>entity</c>, e.g. <c>B-PER</c>) without aggregation; the group's tag
/// (<c>entity_group</c>, e.g. <c>PER</c>: the label after its first "-") with it.</param>
/// <param name="Score">The label's probability; for a group the mean over its members.</param>
/// <param name="Word">The token string (<c>Ġworld</c>, <c>▁world</c>) without aggregation; the members joined by the
/// tokenizer's decoder (<see cref="Tokenization.DebertaTokenizerBase.ConvertTokensToString"/>) with it.</param>
/// <param name="Start">Start of the span in the text (UTF-16 index; leading spaces a token covers included).</param>
/// <param name="End">End (exclusive) of the span in the text.</param>
/// <param name="TokenIndex">The token's position in its window (<c>index</c>), for aggregation none only.</param>
public sealed record EntitySpan(string Label, float Score, string Word, int Start, int End, int? TokenIndex);
