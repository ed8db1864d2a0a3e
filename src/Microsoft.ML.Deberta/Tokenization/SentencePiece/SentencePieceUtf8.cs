namespace Microsoft.ML.Deberta.Tokenization.SentencePiece;

/// <summary>
/// UTF-8 rules exactly as sentencepiece applies them (util.h/util.cc), so that lengths and validity match the
/// reference byte for byte.
/// </summary>
internal static class SentencePieceUtf8
{
    /// <summary>U+2581 "▁", which stands for a space in pieces.</summary>
    public static ReadOnlySpan<byte> SpaceSymbol => [0xE2, 0x96, 0x81];

    /// <summary>U+FFFD, written for bytes that are not valid UTF-8.</summary>
    public static ReadOnlySpan<byte> ReplacementCharacter => [0xEF, 0xBF, 0xBD];

    /// <summary>Length of the character that starts with <paramref name="lead"/> (<c>OneCharLen</c>).</summary>
    public static int OneCharLength(byte lead) => (lead >> 4) switch
    {
        < 12 => 1,
        12 or 13 => 2,
        14 => 3,
        _ => 4,
    };

    /// <summary>
    /// Decodes the first character (<c>IsValidDecodeUTF8</c>): returns whether it is valid and sets
    /// <paramref name="length"/> to the bytes it takes (1 for an invalid byte).
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> input, out int length)
    {
        length = 1;
        byte b0 = input[0];
        if (b0 < 0x80)
            return true;
        int len = input.Length;
        if (len >= 2 && (b0 & 0xE0) == 0xC0)
        {
            int cp = ((b0 & 0x1F) << 6) | (input[1] & 0x3F);
            if (IsTrail(input[1]) && cp >= 0x80 && IsValidCodepoint(cp)) { length = 2; return true; }
        }
        else if (len >= 3 && (b0 & 0xF0) == 0xE0)
        {
            int cp = ((b0 & 0x0F) << 12) | ((input[1] & 0x3F) << 6) | (input[2] & 0x3F);
            if (IsTrail(input[1]) && IsTrail(input[2]) && cp >= 0x800 && IsValidCodepoint(cp)) { length = 3; return true; }
        }
        else if (len >= 4 && (b0 & 0xF8) == 0xF0)
        {
            int cp = ((b0 & 0x07) << 18) | ((input[1] & 0x3F) << 12) | ((input[2] & 0x3F) << 6) | (input[3] & 0x3F);
            if (IsTrail(input[1]) && IsTrail(input[2]) && IsTrail(input[3]) && cp >= 0x10000 && IsValidCodepoint(cp))
            {
                length = 4;
                return true;
            }
        }
        return false;
    }

    private static bool IsTrail(byte b) => (b & 0xC0) == 0x80;

    private static bool IsValidCodepoint(int cp) => cp < 0xD800 || (cp >= 0xE000 && cp <= 0x10FFFF);
}
