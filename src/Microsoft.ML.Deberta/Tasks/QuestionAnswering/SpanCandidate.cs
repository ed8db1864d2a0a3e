namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>A scored (start token, end token) pair of one window.</summary>
internal readonly record struct SpanCandidate(int Start, int End, float Score);
