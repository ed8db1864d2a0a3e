using Microsoft.ML.Deberta.Tasks.QuestionAnswering;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>The answers to one row's question, best first, as the output columns carry them.</summary>
/// <param name="Answers">The answer texts ("" for "no answer").</param>
/// <param name="Scores">Their scores.</param>
/// <param name="Starts">Their first characters in the context (UTF-16 indices).</param>
/// <param name="Ends">Their ends in the context, exclusive.</param>
internal sealed record QuestionAnsweringRow(string[] Answers, float[] Scores, int[] Starts, int[] Ends)
{
    /// <summary>The row of the decoder's answers.</summary>
    public static QuestionAnsweringRow Of(IReadOnlyList<AnswerSpan> answers) => new(
        [.. answers.Select(a => a.Answer)], [.. answers.Select(a => (float)a.Score)], [.. answers.Select(a => a.Start)], [.. answers.Select(a => a.End)]);
}
