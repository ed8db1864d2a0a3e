namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// GPT-2's byte-level alphabet (<c>bytes_to_unicode</c>): bytes 33–126, 161–172 and 174–255 stand for themselves,
/// the other 68 bytes in increasing order for U+0100, U+0101, … (a space is <c>Ġ</c>). Text becomes UTF-8 first;
/// a lone UTF-16 surrogate becomes the three bytes of its code point (WTF-8), as Microsoft.ML.Tokenizers does,
/// so it never fails and decodes back as U+FFFD.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] s_byteToChar = BuildByteToChar();
    private static readonly short[] s_charToByte = BuildCharToByte(s_byteToChar);

    public static char ByteToChar(int b) => s_byteToChar[b];

    /// <summary>The byte a character of the alphabet stands for, or -1 when it is not in the alphabet.</summary>
    public static int CharToByte(char c) => c < s_charToByte.Length ? s_charToByte[c] : -1;

    /// <summary>Number of UTF-16 units of the character at <paramref name="index"/> and its UTF-8 (WTF-8) byte count.</summary>
    public static (int Units, int Bytes) CharAt(ReadOnlySpan<char> text, int index)
    {
        char c = text[index];
        if (c < 0x80) return (1, 1);
        if (c < 0x800) return (1, 2);
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1])) return (2, 4);
        return (1, 3); // other BMP characters and lone surrogates
    }

    /// <summary>Appends the UTF-8 (WTF-8 for lone surrogates) bytes of <paramref name="text"/>.</summary>
    public static void AppendUtf8(ReadOnlySpan<char> text, List<byte> bytes)
    {
        for (int i = 0; i < text.Length; i++)
        {
            int c = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                c = char.ConvertToUtf32(text[i], text[++i]);
            if (c < 0x80)
                bytes.Add((byte)c);
            else if (c < 0x800)
            {
                bytes.Add((byte)(0xC0 | (c >> 6)));
                bytes.Add((byte)(0x80 | (c & 0x3F)));
            }
            else if (c < 0x10000)
            {
                bytes.Add((byte)(0xE0 | (c >> 12)));
                bytes.Add((byte)(0x80 | ((c >> 6) & 0x3F)));
                bytes.Add((byte)(0x80 | (c & 0x3F)));
            }
            else
            {
                bytes.Add((byte)(0xF0 | (c >> 18)));
                bytes.Add((byte)(0x80 | ((c >> 12) & 0x3F)));
                bytes.Add((byte)(0x80 | ((c >> 6) & 0x3F)));
                bytes.Add((byte)(0x80 | (c & 0x3F)));
            }
        }
    }

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
            map[b] = printable ? (char)b : (char)(256 + next++);
        }
        return map;
    }

    private static short[] BuildCharToByte(char[] byteToChar)
    {
        var table = new short[256 + 68];
        Array.Fill(table, (short)-1);
        for (int b = 0; b < 256; b++)
            table[byteToChar[b]] = (short)b;
        return table;
    }
}
