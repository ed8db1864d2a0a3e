using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>Checks that a row's answer text is found at its start offset, and says what is wrong when not.</summary>
internal static class AnswerTextCheck
{
    /// <summary>Returns null when the answer is at its start (or the row has none), else what is wrong and where it is.</summary>
    public static string? Problem(QuestionAnsweringExample row)
    {
        if (!row.HasAnswer)
            return null;
        string answer = row.AnswerText!, context = row.Context;
        if (row.AnswerStart is not int start)
            return $"the answer '{answer}' has no start offset";
        if (IsAt(context, start, answer))
            return null;
        string found = start >= 0 && start < context.Length
            ? $"'{context.Substring(start, Math.Min(answer.Length, context.Length - start))}' is there"
            : $"the context has {context.Length} characters";
        int elsewhere = context.IndexOf(answer, StringComparison.Ordinal);
        string hint = elsewhere < 0 ? "the text does not occur in the context at all"
            : start >= 0 && start <= CodePointIndex.FromUtf16(context, context.Length) && IsAt(context, CodePointIndex.ToUtf16(context, start), answer)
                ? $"it occurs at the UTF-16 index of code point {start}: the start looks like a code-point (Python) index, convert it with CodePointIndex.ToUtf16"
                : $"it first occurs at {elsewhere}";
        return $"the answer '{answer}' is not at character {start} of the context ({found}; {hint})";
    }

    private static bool IsAt(string context, int start, string answer)
        => start >= 0 && start + answer.Length <= context.Length && string.CompareOrdinal(context, start, answer, 0, answer.Length) == 0;
}
