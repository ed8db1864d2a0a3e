using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>The pipeline's <c>get_indices</c>: the characters of the context a token span answers with.</summary>
internal static class AnswerCharacters
{
    private const int ContextSequence = 1;

    /// <summary>
    /// With <paramref name="alignToWords"/>, from the first character of the start token's word to the last of the end
    /// token's word (words of the context in this window); otherwise, or when a token has no word, the tokens' own
    /// offsets.
    /// </summary>
    public static (int Start, int End) Span(DebertaEncoding window, IReadOnlyList<TokenOffset> offsets, int startToken, int endToken, bool alignToWords)
    {
        if (alignToWords
            && WordCharacters(window, offsets, window.WordIds[startToken]) is (int wordStart, _)
            && WordCharacters(window, offsets, window.WordIds[endToken]) is (_, int wordEnd))
            return (wordStart, wordEnd);
        return (offsets[startToken].Start, offsets[endToken].End);
    }

    /// <summary><c>word_to_chars(word, sequence_index=1)</c>: the span of the word's tokens in the context, or null.</summary>
    private static (int Start, int End)? WordCharacters(DebertaEncoding window, IReadOnlyList<TokenOffset> offsets, int? word)
    {
        if (word is null)
            return null;
        int first = -1, last = -1;
        for (int i = 0; i < window.Length; i++)
        {
            if (window.SequenceIds[i] != ContextSequence || window.WordIds[i] != word)
                continue;
            if (first < 0)
                first = i;
            last = i;
        }
        return first < 0 ? null : (offsets[first].Start, offsets[last].End);
    }
}
