namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>The training features of a set of rows, and the rows left out.</summary>
/// <param name="Features">Every window of every kept row, in row order, windows in context order.</param>
/// <param name="SkippedRows">Indices of the rows left out because their answer text was not at its start offset
/// (only with <see cref="QuestionAnsweringTrainingOptions.SkipMismatchedAnswers"/>; empty otherwise).</param>
public sealed record QuestionAnsweringTrainingSet(IReadOnlyList<QuestionAnsweringTrainingFeature> Features, IReadOnlyList<int> SkippedRows);
