using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>
/// Entities of a text that was split into words before tokenizing (ML.NET's NER convention, one label per
/// whitespace-separated word): the pipeline's aggregation and grouping (<see cref="TokenClassificationDecoder"/>) over
/// the tokens of <see cref="DebertaTokenizerBase.EncodeWords(IReadOnlyList{string}, DebertaEncodeOptions?)"/> windows,
/// with spans moved from word-relative to text offsets and words known exactly (a token continues a word when the
/// token before it has the same word id) instead of guessed from spaces.
/// </summary>
internal static class WordEntityDecoder
{
    /// <summary>Decodes one text's entities from the logits of its word windows.</summary>
    /// <param name="decoder">Labels, tokenizer and aggregation rules.</param>
    /// <param name="text">The text the words came from.</param>
    /// <param name="wordStarts">The character index of each word in <paramref name="text"/>.</param>
    /// <param name="windows">The word windows of the text, in order.</param>
    /// <param name="logits">Per window, (unpadded length) × labels logits, row-major.</param>
    /// <param name="options">Aggregation and ignored labels.</param>
    public static IReadOnlyList<EntitySpan> Decode(TokenClassificationDecoder decoder, string text, IReadOnlyList<int> wordStarts,
        IReadOnlyList<DebertaEncoding> windows, IReadOnlyList<float[]> logits, TokenClassificationDecodingOptions options)
    {
        var ignored = new HashSet<string>(options.IgnoreLabels ?? [], StringComparer.Ordinal);
        var all = new List<EntitySpan>();
        for (int w = 0; w < windows.Count; w++)
            all.AddRange(decoder.Aggregate(Tokens(decoder, text, wordStarts, windows[w], logits[w]), options.Aggregation).Where(e => !ignored.Contains(e.Label)));
        return windows.Count > 1 ? OverlappingEntities.Merge(all) : all;
    }

    private static List<ScoredToken> Tokens(TokenClassificationDecoder decoder, string text, IReadOnlyList<int> wordStarts, DebertaEncoding window, float[] logits)
    {
        int labels = decoder.LabelCount;
        int length = Math.Min(window.Length, logits.Length / labels);
        var tokens = new List<ScoredToken>(length);
        for (int i = 0; i < length; i++)
        {
            if (window.SpecialTokensMask[i] != 0 || window.WordIds[i] is not int word)
                continue;
            var probabilities = new float[labels];
            Softmax.Compute(logits.AsSpan(i * labels, labels), probabilities);
            int start = wordStarts[word] + window.Offsets[i].Start, end = wordStarts[word] + window.Offsets[i].End;
            bool isSubword = i > 0 && window.WordIds[i - 1] == word;
            string token = window.InputIds[i] == decoder.UnkTokenId ? text[start..end] : window.Tokens[i];
            tokens.Add(new ScoredToken(token, probabilities, start, end, i, isSubword));
        }
        return tokens;
    }
}
