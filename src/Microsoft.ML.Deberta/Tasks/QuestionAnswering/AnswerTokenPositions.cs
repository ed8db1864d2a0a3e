using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary><c>run_qa.py</c>'s mapping of an answer's characters to the start and end tokens of one window.</summary>
internal static class AnswerTokenPositions
{
    private const int ContextSequence = 1;

    /// <summary>
    /// Returns the answer's start and end tokens in <paramref name="window"/>, or (<paramref name="clsIndex"/>,
    /// <paramref name="clsIndex"/>) when the window's context part does not cover [<paramref name="startChar"/>,
    /// <paramref name="endChar"/>): the start is the last context token whose offset starts at or before the answer's
    /// first character, the end the first context token, scanning back from the last, whose next token ends before
    /// the answer's end (so a token ending exactly at the answer's end is the end).
    /// </summary>
    /// <remarks>
    /// run_qa.py lets the start scan run past the last context token into [SEP] and padding, whose (0, 0) offsets
    /// always pass its test, so an answer that begins in the window's last context token gets the window's last index
    /// as its start (its comment says it meant to stop at the context's end). The scan here stops at the last context
    /// token; every other label is run_qa.py's.
    /// </remarks>
    /// <param name="window">The window.</param>
    /// <param name="offsets">The window's offsets in the fast tokenizer's convention.</param>
    /// <param name="clsIndex">The [CLS] index of the window.</param>
    /// <param name="startChar">The answer's first character in the context.</param>
    /// <param name="endChar">One past the answer's last character.</param>
    public static (int Start, int End) Find(DebertaEncoding window, IReadOnlyList<TokenOffset> offsets, int clsIndex, int startChar, int endChar)
    {
        int first = 0;
        while (window.SequenceIds[first] != ContextSequence)
            first++;
        int last = window.Length - 1;
        while (window.SequenceIds[last] != ContextSequence)
            last--;
        if (!(offsets[first].Start <= startChar && offsets[last].End >= endChar))
            return (clsIndex, clsIndex);
        int start = first;
        while (start <= last && offsets[start].Start <= startChar)
            start++;
        int end = last;
        while (offsets[end].End >= endChar)
            end--;
        return (start - 1, end + 1);
    }
}
