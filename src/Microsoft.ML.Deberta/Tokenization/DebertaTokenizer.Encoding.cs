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
            ReadOnlySpan<char> piece = work.Slice(offset, length);
            ids.Clear();
            EncodePiece(piece, ids);
            int word = fixedWordId ?? nextWordId++;

            int charIndex = 0, charByteStart = 0, byteCursor = 0;
            foreach (int id in ids)
            {
                int firstByte = byteCursor, endByte = byteCursor + _tokenByteLength[id];
                // Move to the character holding the token's first byte, then find the one holding its last.
                while (true)
                {
                    (int units, int bytes) = ByteLevelAlphabet.CharAt(piece, charIndex);
                    if (charByteStart + bytes > firstByte)
                        break;
                    charByteStart += bytes;
                    charIndex += units;
                }
                int last = charIndex, lastByteStart = charByteStart, lastUnits;
                while (true)
                {
                    (int units, int bytes) = ByteLevelAlphabet.CharAt(piece, last);
                    if (lastByteStart + bytes >= endByte)
                    {
                        lastUnits = units;
                        break;
                    }
                    lastByteStart += bytes;
                    last += units;
                }
                int virtualStart = offset + charIndex, virtualEnd = offset + last + lastUnits;
                int tokenStart, tokenEnd;
                if (prefixed)
                {
                    tokenStart = start + Math.Max(virtualStart - 1, 0);
                    tokenEnd = start + (virtualEnd == 1 ? firstCharUnits : virtualEnd - 1);
                }
                else
                {
                    tokenStart = start + virtualStart;
                    tokenEnd = start + virtualEnd;
                }
                output.Add(id, tokenStart, tokenEnd, word);
                byteCursor = endByte;
            }
            if (output.Count >= tokenLimit)
                return;
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
    {
        var bytes = new List<byte>(ids.Count * 4);
        foreach (int id in ids)
        {
            if (skipSpecialTokens && IsSpecialTokenId(id))
                continue;
            string token = IdToTokenOrNull(id)!;
            if (token.All(c => ByteLevelAlphabet.CharToByte(c) >= 0))
                foreach (char c in token)
                    bytes.Add((byte)ByteLevelAlphabet.CharToByte(c));
            else
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

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
