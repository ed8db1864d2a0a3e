using System.Globalization;
using System.Text;
using Microsoft.ML.Deberta.Tokenization.SentencePiece;

namespace Microsoft.ML.Deberta.Tokenization;

public sealed partial class DebertaV2Tokenizer
{
    private protected override void TokenizeText(
        string text, int start, int end, TokenizedSequence output, int? fixedWordId, ref int nextWordId, int tokenLimit)
    {
        string? normalized = DoLowerCase ? text.Substring(start, end - start).ToLowerInvariant() : null;
        if (FoldsWhitespace)
            normalized = WhitespaceFolding.Apply(normalized ?? text.Substring(start, end - start));
        NfcAlignment? composed = ComposesNfc ? NfcAlignment.ComposeIfNeeded(normalized ?? text.Substring(start, end - start)) : null;
        ReadOnlySpan<char> chunk = composed is not null ? composed.Text : normalized is null ? text.AsSpan(start, end - start) : normalized.AsSpan();
        var run = new RunTarget(output, text, start, composed, fixedWordId, tokenLimit);
        if (!SplitByPunct)
        {
            EncodeRun(chunk, 0, run, ref nextWordId);
            return;
        }
        int runStart = 0;
        for (int i = 0; i < chunk.Length;)
        {
            Rune.DecodeFromUtf16(chunk[i..], out Rune rune, out int units);
            if (IsPunctuation(rune))
            {
                if (i > runStart && EncodeRun(chunk[runStart..i], runStart, run, ref nextWordId))
                    return;
                if (EncodeRun(chunk.Slice(i, units), i, run, ref nextWordId))
                    return;
                runStart = i + units;
            }
            i += units;
        }
        if (runStart < chunk.Length)
            EncodeRun(chunk[runStart..], runStart, run, ref nextWordId);
    }

    /// <summary>Where the pieces of a chunk go: the sequence, the chunk's start in the text, its NFC alignment if composed.</summary>
    private readonly record struct RunTarget(TokenizedSequence Output, string Text, int ChunkStart, NfcAlignment? Composed, int? FixedWordId, int TokenLimit);

    /// <summary>
    /// Encodes one run with SentencePiece. A word (transformers' Metaspace pre-token) starts at the run and at every
    /// piece beginning with "▁". With a token limit (the early exit of tokenizers 0.23, emulated for its reference
    /// data) the run stops after the word that brings the sequence to the limit, as
    /// <c>PreTokenizedString::tokenize_with_limit</c> stops after the pre-token that does; returns whether it stopped.
    /// </summary>
    private bool EncodeRun(ReadOnlySpan<char> text, int runStart, in RunTarget target, ref int nextWordId)
    {
        bool first = true;
        int word = -1;
        TokenizedSequence output = target.Output;
        foreach (SentencePiecePiece piece in _model.Encode(text))
        {
            if (first || piece.Piece.StartsWith('\u2581'))
            {
                if (!first && output.Count >= target.TokenLimit)
                    return true;
                word = target.FixedWordId ?? nextWordId++;
            }
            first = false;
            string? surface = !FastTokenizerConventions && piece.Id == _model.UnkId && piece.Piece != _model.IdToPiece(piece.Id) ? piece.Piece : null;
            var (pieceStart, pieceEnd) = target.Composed?.Original(runStart + piece.Start, runStart + piece.End) ?? (runStart + piece.Start, runStart + piece.End);
            output.Add(piece.Id, target.ChunkStart + pieceStart, target.ChunkStart + pieceEnd, word, surface);
            var (fastStart, fastEnd) = target.Composed?.OriginalAsFastTokenizer(runStart + piece.Start, runStart + piece.End) ?? (pieceStart, pieceEnd);
            (fastStart, fastEnd) = (target.ChunkStart + fastStart, target.ChunkStart + fastEnd);
            if (piece.Piece.StartsWith('\u2581'))
                (fastStart, fastEnd) = FastMetaspaceSpan(target.Text, target.ChunkStart + runStart, fastStart, fastEnd);
            if (fastStart != target.ChunkStart + pieceStart || fastEnd != target.ChunkStart + pieceEnd)
                output.SetFastTokenizerSpan(fastStart, fastEnd);
        }
        return output.Count >= target.TokenLimit;
    }

    /// <summary>
    /// The fast tokenizer's span of a piece that starts with "▁" (Metaspace): the "▁" is the last whitespace character
    /// before the piece's text (a whitespace run folded to one space keeps the alignment of its last character), or,
    /// when no whitespace precedes it in the run, a "▁" prepended and aligned with the next character. sentencepiece
    /// instead starts the piece at the first character of the whitespace run and gives a lone prepended "▁" no span.
    /// </summary>
    private static (int Start, int End) FastMetaspaceSpan(string text, int runStart, int start, int end)
    {
        int first = start;
        while (first < end && char.IsWhiteSpace(text[first]))
            first++;
        if (first > runStart && char.IsWhiteSpace(text[first - 1]))
            return (first - 1, Math.Max(end, first));
        if (end == start && start < text.Length)
            return (start, start + (char.IsSurrogatePair(text, start) ? 2 : 1));
        return (start, end);
    }

    /// <summary>BERT's punctuation: ASCII 33–47, 58–64, 91–96, 123–126, or any Unicode P* category.</summary>
    internal static bool IsPunctuation(Rune rune)
    {
        int c = rune.Value;
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126))
            return true;
        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }
}
