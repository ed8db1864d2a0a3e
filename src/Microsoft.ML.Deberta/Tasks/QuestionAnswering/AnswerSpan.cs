namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>One answer of transformers' 4.x <c>question-answering</c> pipeline.</summary>
/// <param name="Answer">The answer: <c>context[Start..End]</c>; empty for the "no answer" entry.</param>
/// <param name="Score">p(start)·p(end), added over every window (and span) that gave the same text, ignoring case.</param>
/// <param name="Start">Start of the answer in the context (UTF-16 index); 0 for "no answer".</param>
/// <param name="End">End (exclusive) of the answer in the context; 0 for "no answer".</param>
/// <param name="Window">The window that first gave this answer; null for "no answer".</param>
/// <param name="StartToken">The answer's first token in that window; null for "no answer".</param>
/// <param name="EndToken">The answer's last token in that window; null for "no answer".</param>
public sealed record AnswerSpan(string Answer, double Score, int Start, int End, int? Window, int? StartToken, int? EndToken)
{
    /// <summary>Gets whether this is the "no answer" entry of <see cref="QuestionAnsweringOptions.HandleImpossibleAnswer"/>.</summary>
    public bool IsNoAnswer => Window is null;
}
