using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks;

/// <summary>
/// Converts the offsets of DeBERTa-v2/v3 (SentencePiece) encodings to the convention of transformers' fast
/// tokenizer, whose offsets the token-classification and question-answering pipelines return.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="DebertaV2Tokenizer"/> reports offsets as the <c>sentencepiece</c> library does (and as
/// <c>tokenizer/deberta-v3.cases.json</c> records them): a piece that begins with "▁" covers the whole run of
/// whitespace before its word, and the dummy-prefix "▁" piece, which stands for no character, has an empty span at
/// the start of its word. The fast tokenizer (<c>tokenizer.json</c>: Metaspace pre-tokenizer, whitespace runs folded
/// into one space) gives a "▁" only one character: the last whitespace character before the word when there is one,
/// otherwise the word's first character (so a lone dummy-prefix "▁" gets the span of the next character).
/// </para>
/// <para>
/// The conversion changes only pieces that begin with "▁" and is idempotent: offsets already in the fast convention
/// come back unchanged. Alignment differences that come from the normalisers themselves (e.g. a combining accent
/// that NFKC folds into the previous character) are not converted. Tokens of the first sequence are measured in
/// the first text, tokens of the second in the second; special and pad tokens keep (0, 0). The tokenizer's own API
/// keeps the sentencepiece convention; the decoders in this folder convert before they use offsets.
/// </para>
/// </remarks>
public static class FastTokenizerOffsets
{
    private const char Metaspace = '\u2581';

    /// <summary>
    /// Returns the offsets of <paramref name="encoding"/> in the fast-tokenizer convention (UTF-16, like
    /// <see cref="DebertaEncoding.Offsets"/>).
    /// </summary>
    /// <param name="encoding">An encoding of <paramref name="text"/> (and <paramref name="pairText"/>).</param>
    /// <param name="text">The first text the encoding was made from.</param>
    /// <param name="pairText">The second text, for pairs.</param>
    /// <exception cref="ArgumentException">An offset lies outside the text of its sequence.</exception>
    public static TokenOffset[] Convert(DebertaEncoding encoding, string text, string? pairText = null)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentNullException.ThrowIfNull(text);
        var result = new TokenOffset[encoding.Length];
        for (int i = 0; i < result.Length; i++)
        {
            TokenOffset offset = encoding.Offsets[i];
            result[i] = offset;
            string token = encoding.Tokens[i];
            if (encoding.SequenceIds[i] is not int sequence || token.Length == 0 || token[0] != Metaspace)
                continue;
            string source = sequence == 0 ? text : pairText
                ?? throw new ArgumentException($"Token {i} belongs to the second sequence but no second text was given.", nameof(pairText));
            if (offset.End > source.Length || offset.Start < 0 || offset.Start > offset.End)
                throw new ArgumentException(
                    $"Token {i} ('{token}') has offsets {offset} outside its text of {source.Length} characters: give the texts the encoding was made from.",
                    nameof(encoding));
            result[i] = ForMetaspacePiece(source, offset, lone: token.Length == 1);
        }
        return result;
    }

    /// <summary>The fast span of a piece that begins with "▁", from its sentencepiece span.</summary>
    internal static TokenOffset ForMetaspacePiece(string text, TokenOffset offset, bool lone)
    {
        int wordStart = offset.Start; // the first character after the whitespace the piece covers
        while (wordStart < offset.End && char.IsWhiteSpace(text[wordStart]))
            wordStart++;
        bool afterWhitespace = wordStart > 0 && char.IsWhiteSpace(text[wordStart - 1]);
        if (!lone)
            return new TokenOffset(afterWhitespace ? wordStart - 1 : wordStart, offset.End);
        if (afterWhitespace)
            return new TokenOffset(wordStart - 1, wordStart);
        int next = wordStart < text.Length && char.IsHighSurrogate(text[wordStart]) && wordStart + 1 < text.Length
            && char.IsLowSurrogate(text[wordStart + 1]) ? 2 : 1;
        return new TokenOffset(wordStart, Math.Min(text.Length, wordStart + next));
    }
}
