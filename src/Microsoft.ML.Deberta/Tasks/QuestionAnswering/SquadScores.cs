namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>Exact match and F1 over a set of questions, as percentages (0–100), as the SQuAD script reports them.</summary>
/// <param name="ExactMatch">100 × the mean exact match.</param>
/// <param name="F1">100 × the mean F1.</param>
/// <param name="Total">The number of questions.</param>
public sealed record SquadScores(double ExactMatch, double F1, int Total);
