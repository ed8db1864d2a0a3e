namespace Microsoft.ML.Deberta;

/// <summary>A passage and its relevance score for a query, as <see cref="TextPairRanking"/> ranks them.</summary>
/// <param name="Passage">The passage text.</param>
/// <param name="Score">The score the model gave the (query, passage) pair.</param>
public sealed record ScoredPassage(string Passage, float Score);
