using System.Text;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Deberta.Tokenization;

public sealed partial class DebertaTokenizer
{
    private protected override void TokenizeText(
        string text, int start, int end, TokenizedSequence output, int? fixedWordId, ref int nextWordId, int tokenLimit)
    {
        ReadOnlySpan<char> chunk = text.AsSpan(start, end - start);
        // tokenizers' ByteLevel pre-tokenizer prepends the space to each chunk; the space takes the span of the
        // chunk's first character, so a token made of it alone covers that character.
        bool prefixed = AddPrefixSpace && chunk.Length > 0 && chunk[0] != ' ';
        string? prefixedChunk = prefixed ? string.Concat(" ", chunk) : null;
        ReadOnlySpan<char> work = prefixed ? prefixedChunk.AsSpan() : chunk;
        int firstCharUnits = chunk.Length > 1 && char.IsHighSurrogate(chunk[0]) && char.IsLowSurrogate(chunk[1]) ? 2 : 1;

        var ids = new List<int>();
        foreach ((int offset, int length) in RobertaPreTokenizer.Instance.PreTokenize(work))
        {
            ids.Clear();
            EncodePiece(work.Slice(offset, length), ids);
            int word = fixedWordId ?? nextWordId++;
            var span = new PieceSpan(work.Slice(offset, length), offset, start, prefixed ? firstCharUnits : 0);
            int charIndex = 0, charByteStart = 0, byteCursor = 0;
            foreach (int id in ids)
            {
                int endByte = byteCursor + _tokenByteLength[id];
                (int tokenStart, int tokenEnd) = span.CharacterSpan(byteCursor, endByte, ref charIndex, ref charByteStart);
                output.Add(id, tokenStart, tokenEnd, word);
                byteCursor = endByte;
            }
            if (output.Count >= tokenLimit)
                return;
        }
    }

    /// <summary>
    /// Maps byte ranges of one pre-token back to UTF-16 spans of the original text. A token covering part of a
    /// character covers the whole character. With a prepended space (<see cref="PrefixUnits"/> &gt; 0) the space
    /// maps to the chunk's first character, as in the <c>tokenizers</c> library.
    /// </summary>
    private readonly ref struct PieceSpan(ReadOnlySpan<char> piece, int pieceOffset, int chunkStart, int prefixUnits)
    {
        private readonly ReadOnlySpan<char> _piece = piece;

        /// <summary>UTF-16 length of the chunk's first character when a space was prepended, else 0.</summary>
        public int PrefixUnits { get; } = prefixUnits;

        /// <param name="firstByte">The token's first byte within the pre-token.</param>
        /// <param name="endByte">One past its last byte.</param>
        /// <param name="charIndex">Cursor: the character holding <paramref name="firstByte"/> (advanced here; tokens come in order).</param>
        /// <param name="charByteStart">Cursor: the first byte of that character.</param>
        public (int Start, int End) CharacterSpan(int firstByte, int endByte, ref int charIndex, ref int charByteStart)
        {
            while (true)
            {
                (int units, int bytes) = ByteLevelAlphabet.CharAt(_piece, charIndex);
                if (charByteStart + bytes > firstByte)
                    break;
                charByteStart += bytes;
                charIndex += units;
            }
            int last = charIndex, lastByteStart = charByteStart, lastUnits;
            while (true)
            {
                (int units, int bytes) = ByteLevelAlphabet.CharAt(_piece, last);
                if (lastByteStart + bytes >= endByte)
                {
                    lastUnits = units;
                    break;
                }
                lastByteStart += bytes;
                last += units;
            }
            int start = pieceOffset + charIndex, end = pieceOffset + last + lastUnits;
            if (PrefixUnits == 0)
                return (chunkStart + start, chunkStart + end);
            return (chunkStart + Math.Max(start - 1, 0), chunkStart + (end == 1 ? PrefixUnits : end - 1));
        }
    }

    private void EncodePiece(ReadOnlySpan<char> piece, List<int> ids)
    {
        if (piece.Length >= LongWordBytePairEncoder.MinimumLength)
            _longWords.Encode(piece, ids);
        else
            ids.AddRange(_bpe.EncodeToIds(piece, considerPreTokenization: false, considerNormalization: false));
    }

    /// <summary>Encodes one pre-token with Microsoft.ML.Tokenizers or with the long-word path (test hook).</summary>
    internal List<int> EncodePreToken(string piece, bool longWordPath)
    {
        var ids = new List<int>();
        if (longWordPath)
            _longWords.Encode(piece, ids);
        else
            ids.AddRange(_bpe.EncodeToIds(piece, considerPreTokenization: false, considerNormalization: false));
        return ids;
    }

    /// <summary>
    /// Byte-level decoding as the <c>tokenizers</c> ByteLevel decoder does it: every token's characters back to
    /// bytes (a token with a character outside the alphabet, e.g. an added token, contributes its UTF-8), then one
    /// UTF-8 decode with U+FFFD for invalid sequences; special tokens as their text; no space clean-up.
    /// </summary>
    private protected override string DecodeCore(IReadOnlyList<int> ids, bool skipSpecialTokens)
        => ByteLevelDecode(ids.Where(id => !skipSpecialTokens || !IsSpecialTokenId(id)).Select(id => IdToTokenOrNull(id)!));

    /// <summary>
    /// Writes <c>vocab.json</c> (sorted keys, indent 2, non-ASCII kept, trailing newline) and <c>merges.txt</c>
    /// (<c>#version: 0.2</c>, then the merges by rank) as transformers' <c>save_vocabulary</c> does.
    /// </summary>
    public override IReadOnlyList<string> SaveVocabulary(string directory, string? filenamePrefix = null)
    {
        string vocabPath = VocabularyFilePath(directory, filenamePrefix, "vocab.json");
        string mergesPath = VocabularyFilePath(directory, filenamePrefix, "merges.txt");
        var utf8 = new UTF8Encoding(false);
        using (var writer = new StreamWriter(vocabPath, false, utf8) { NewLine = "\n" })
            PythonJsonWriter.WriteSortedObject(writer, _modelVocabulary);
        using (var writer = new StreamWriter(mergesPath, false, utf8) { NewLine = "\n" })
        {
            writer.Write("#version: 0.2\n");
            foreach ((string left, string right) in _merges)
                writer.Write(left + " " + right + "\n");
        }
        return [vocabPath, mergesPath];
    }
}
