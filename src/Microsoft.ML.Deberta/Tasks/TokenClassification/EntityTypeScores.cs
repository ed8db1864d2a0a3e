namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>Entity-level precision, recall and F1 of one entity type (or of all, micro-averaged).</summary>
/// <param name="Precision">Correct entities / predicted entities (0 when nothing was predicted).</param>
/// <param name="Recall">Correct entities / gold entities (0 when there are none).</param>
/// <param name="F1">2·P·R / (P + R) (0 when both are 0).</param>
/// <param name="Support">Number of gold entities.</param>
public sealed record EntityTypeScores(double Precision, double Recall, double F1, int Support);
