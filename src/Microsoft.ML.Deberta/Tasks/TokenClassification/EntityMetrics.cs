namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>
/// Entity-level scores as seqeval computes them by default (CoNLL semantics, <see cref="EntityChunker"/>): an entity
/// counts as correct when its type, start and end all match a gold entity. Plus the share of tags predicted exactly.
/// </summary>
/// <param name="Micro">Over all entities (seqeval's <c>precision_score</c>, <c>recall_score</c>, <c>f1_score</c>).</param>
/// <param name="PerType">By gold entity type, in ordinal order (the rows of seqeval's <c>classification_report</c>;
/// a type that is only predicted has no row but counts in <see cref="Micro"/>).</param>
/// <param name="MacroF1">The unweighted mean of the per-type F1 scores (the report's macro avg).</param>
/// <param name="TokenAccuracy">Tags equal to the gold tag / all tags (seqeval's <c>accuracy_score</c>).</param>
public sealed record EntityMetrics(EntityTypeScores Micro, IReadOnlyDictionary<string, EntityTypeScores> PerType, double MacroF1, double TokenAccuracy);
