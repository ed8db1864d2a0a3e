namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>The official SQuAD v2.0 script's evaluation dictionary (without the no-answer threshold search).</summary>
/// <param name="Overall"><c>exact</c>, <c>f1</c>, <c>total</c>.</param>
/// <param name="HasAnswer"><c>HasAns_*</c>: questions with at least one gold answer; null when there is none.</param>
/// <param name="NoAnswer"><c>NoAns_*</c>: questions without gold answers; null when there is none.</param>
public sealed record SquadMetrics(SquadScores Overall, SquadScores? HasAnswer, SquadScores? NoAnswer);
