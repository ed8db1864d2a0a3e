using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>The pipeline's <c>gather_pre_entities</c>: every token of the text with its probabilities, span and word flag.</summary>
internal static class TokenGatherer
{
    /// <summary>Scores the tokens of one window; special and pad tokens are skipped.</summary>
    /// <param name="text">The text the window was encoded from.</param>
    /// <param name="window">The encoding.</param>
    /// <param name="offsets">Its offsets in the fast-tokenizer convention.</param>
    /// <param name="logits">Length × labels logits, row-major.</param>
    /// <param name="labelCount">Number of labels.</param>
    /// <param name="unkTokenId">The unknown token's id.</param>
    public static List<ScoredToken> Gather(
        string text, DebertaEncoding window, IReadOnlyList<TokenOffset> offsets, ReadOnlySpan<float> logits, int labelCount, int unkTokenId)
    {
        var tokens = new List<ScoredToken>(window.Length);
        for (int index = 0; index < window.Length; index++)
        {
            if (window.SpecialTokensMask[index] != 0)
                continue;
            var probabilities = new float[labelCount];
            Softmax.Compute(logits.Slice(index * labelCount, labelCount), probabilities);
            (int start, int end) = (offsets[index].Start, offsets[index].End);
            string word = window.Tokens[index];
            bool isSubword = IsSubword(text, start);
            if (window.InputIds[index] == unkTokenId)
            {
                word = text[start..end];
                isSubword = false;
            }
            tokens.Add(new ScoredToken(word, probabilities, start, end, index, isSubword));
        }
        return tokens;
    }

    /// <summary>
    /// The fallback heuristic transformers uses for tokenizers without a continuing-subword prefix (DeBERTa's BPE
    /// and Unigram): a token continues a word unless it starts the text or a space is just before or at its start
    /// (<c>" " not in sentence[start - 1 : start + 1]</c>).
    /// </summary>
    public static bool IsSubword(string text, int start)
    {
        if (start <= 0)
            return false;
        bool spaceBefore = start - 1 < text.Length && text[start - 1] == ' ';
        bool spaceAt = start < text.Length && text[start] == ' ';
        return !spaceBefore && !spaceAt;
    }
}
