namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>One training row of extractive question answering, SQuAD style.</summary>
/// <param name="Question">The question.</param>
/// <param name="Context">The text the answer is taken from.</param>
/// <param name="AnswerText">The answer as it appears in the context; null or empty for an unanswerable question
/// (SQuAD v2).</param>
/// <param name="AnswerStart">Where the answer starts in the context, as a UTF-16 index (a .NET string index, like every
/// offset of this library; SQuAD's JSON counts code points, which differ only around characters outside the BMP:
/// <see cref="Tokenization.CodePointIndex.ToUtf16"/> converts). Ignored when there is no answer.</param>
/// <param name="Id">An identifier named in error messages (SQuAD's <c>id</c>); the row index is named either way.</param>
public sealed record QuestionAnsweringExample(string Question, string Context, string? AnswerText, int? AnswerStart, string? Id = null)
{
    /// <summary>Gets whether the row has an answer (a non-empty <see cref="AnswerText"/>).</summary>
    public bool HasAnswer => !string.IsNullOrEmpty(AnswerText);
}
