namespace Microsoft.ML.Deberta;

/// <summary>One query's passages, best first.</summary>
/// <param name="Query">The query text.</param>
/// <param name="Passages">Its passages in order of decreasing score (equal scores keep their input order).</param>
public sealed record QueryRanking(string Query, IReadOnlyList<ScoredPassage> Passages);
