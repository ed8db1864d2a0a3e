namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// The part of a long single text that <see cref="LongTextStrategy.Truncate"/> needs, so that a very long text is not
/// tokenized whole only to keep its first tokens.
/// </summary>
/// <remarks>
/// The cut falls just before an ASCII space that follows a non-space character. No DeBERTa tokenizer joins characters
/// across such a space into one token: v1's byte-level BPE pre-tokenizer ends a word there and gives the space to the
/// next word, and v2/v3's SentencePiece turns the space into the next piece's "▁"; normalization (NFKC, whitespace
/// clean-up) does not reach across it either. So the prefix's tokens are the whole text's first tokens, and when the
/// prefix yields at least the budget the truncated ids are the same (<c>TruncationEarlyStopTests</c> checks this on both
/// tokenizers). When it yields fewer, the caller encodes the whole text after all.
/// </remarks>
internal static class TruncationPrefix
{
    // Generous: English averages about 4 characters per token, so the budget nearly always fits in the prefix.
    private const int CharactersPerToken = 16;
    private const int Margin = 64;

    /// <summary>
    /// A prefix of <paramref name="text"/> that likely holds its first <paramref name="budget"/> tokens, or false when
    /// the text is short enough to encode whole or has no safe place to cut.
    /// </summary>
    public static bool TryCut(string text, int budget, out string prefix)
    {
        prefix = text;
        long wanted = (long)budget * CharactersPerToken + Margin;
        if (text.Length <= wanted)
            return false;
        int at = text.IndexOf(' ', (int)wanted);
        while (at > 0 && (char.IsWhiteSpace(text[at - 1]) || char.IsHighSurrogate(text[at - 1])))
            at = text.IndexOf(' ', at + 1);
        if (at <= 0)
            return false;
        prefix = text[..at];
        return true;
    }
}
