namespace Microsoft.ML.Deberta.Tokenization.SentencePiece;

/// <summary>
/// UTF-16 text as the UTF-8 bytes sentencepiece works on, with the UTF-16 index of every byte, so that byte
/// offsets reported by the normaliser map back to .NET string indices.
/// </summary>
/// <remarks>
/// A lone surrogate (not valid UTF-16, so not encodable as UTF-8) becomes U+FFFD, the character
/// <see cref="System.Text.Encoding.UTF8"/> writes for it; its three bytes map to the surrogate's index, so a piece
/// covering it spans exactly that one UTF-16 unit.
/// </remarks>
internal static class Utf8Alignment
{
    /// <summary>
    /// Encodes <paramref name="text"/>; <paramref name="utf16Index"/>[b] is the index of the UTF-16 unit where the
    /// character holding byte b starts, and its last entry (one past the last byte) is <c>text.Length</c>.
    /// </summary>
    public static byte[] Encode(ReadOnlySpan<char> text, out int[] utf16Index)
    {
        var bytes = new byte[Utf8Length(text)];
        utf16Index = new int[bytes.Length + 1];
        int n = 0;
        for (int i = 0; i < text.Length; i++)
        {
            int start = i;
            int c = text[i];
            if (c < 0x80)
            {
                utf16Index[n] = start;
                bytes[n++] = (byte)c;
                continue;
            }
            if (c < 0x800)
            {
                Put(bytes, utf16Index, ref n, start, (byte)(0xC0 | (c >> 6)), (byte)(0x80 | (c & 0x3F)));
                continue;
            }
            if (char.IsHighSurrogate((char)c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                int cp = char.ConvertToUtf32((char)c, text[++i]);
                Put(bytes, utf16Index, ref n, start, (byte)(0xF0 | (cp >> 18)), (byte)(0x80 | ((cp >> 12) & 0x3F)),
                    (byte)(0x80 | ((cp >> 6) & 0x3F)), (byte)(0x80 | (cp & 0x3F)));
                continue;
            }
            if (char.IsSurrogate((char)c))
                c = 0xFFFD;
            Put(bytes, utf16Index, ref n, start, (byte)(0xE0 | (c >> 12)), (byte)(0x80 | ((c >> 6) & 0x3F)),
                (byte)(0x80 | (c & 0x3F)));
        }
        utf16Index[n] = text.Length;
        return bytes;
    }

    // What Encode writes: 1-3 bytes per UTF-16 unit (3 for a lone surrogate's U+FFFD), 4 per surrogate pair.
    private static int Utf8Length(ReadOnlySpan<char> text)
    {
        long length = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < 0x80)
                length += 1;
            else if (c < 0x800)
                length += 2;
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                length += 4;
                i++;
            }
            else
                length += 3;
        }
        return checked((int)length);
    }

    private static void Put(byte[] bytes, int[] index, ref int n, int start, params ReadOnlySpan<byte> utf8)
    {
        foreach (byte b in utf8)
        {
            index[n] = start;
            bytes[n++] = b;
        }
    }
}
