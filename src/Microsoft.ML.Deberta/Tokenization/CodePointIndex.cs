namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// Converts between .NET string indices (UTF-16 code units, what <see cref="TokenOffset"/> holds) and Unicode
/// code-point indices (what Python and the transformers reference files use). A surrogate pair is one code point;
/// a lone surrogate counts as one code point too.
/// </summary>
/// <remarks>Public because users need it: SQuAD-style data gives answer starts in code points, and the question-answering
/// checks tell the user to convert them with <see cref="ToUtf16"/>.</remarks>
public static class CodePointIndex
{
    /// <summary>Returns the number of code points in <paramref name="text"/> before UTF-16 index <paramref name="utf16Index"/>.</summary>
    /// <param name="text">The text the index refers to.</param>
    /// <param name="utf16Index">A UTF-16 index in 0…text.Length; an index inside a surrogate pair counts the pair.</param>
    public static int FromUtf16(string text, int utf16Index)
    {
        ArgumentNullException.ThrowIfNull(text);
        if ((uint)utf16Index > (uint)text.Length)
            throw new ArgumentOutOfRangeException(nameof(utf16Index), $"Index {utf16Index} is outside the text (length {text.Length}).");
        int codePoints = 0;
        for (int i = 0; i < utf16Index; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            codePoints++;
        }
        return codePoints;
    }

    /// <summary>Returns the UTF-16 index of code point number <paramref name="codePointIndex"/> (text.Length for the end).</summary>
    /// <param name="text">The text the index refers to.</param>
    /// <param name="codePointIndex">A code-point index in 0…(number of code points).</param>
    public static int ToUtf16(string text, int codePointIndex)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(codePointIndex);
        int i = 0;
        for (int cp = 0; cp < codePointIndex; cp++)
        {
            if (i >= text.Length)
                throw new ArgumentOutOfRangeException(nameof(codePointIndex), $"Code point {codePointIndex} is past the end of the text.");
            i += char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
        }
        return i;
    }

    /// <summary>Converts UTF-16 offsets into <paramref name="text"/> to code-point offsets, in one pass over the text.</summary>
    /// <param name="text">The text the offsets refer to.</param>
    /// <param name="offsets">UTF-16 offsets, each within the text.</param>
    public static TokenOffset[] FromUtf16(string text, IReadOnlyList<TokenOffset> offsets)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(offsets);
        int[] prefix = CodePointsBefore(text);
        var result = new TokenOffset[offsets.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = FromUtf16(prefix, offsets[i]);
        return result;
    }

    /// <summary>Entry i holds the number of code points before UTF-16 index i (length text.Length + 1).</summary>
    internal static int[] CodePointsBefore(string text)
    {
        var prefix = new int[text.Length + 1];
        int count = 0;
        for (int i = 0; i < text.Length; i++)
        {
            prefix[i] = count;
            bool pair = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (pair)
                prefix[++i] = count + 1; // an index inside a pair counts the pair
            count++;
        }
        prefix[text.Length] = count;
        return prefix;
    }

    internal static TokenOffset FromUtf16(int[] prefix, TokenOffset offset)
    {
        if ((uint)offset.Start >= (uint)prefix.Length || (uint)offset.End >= (uint)prefix.Length || offset.End < offset.Start)
            throw new ArgumentOutOfRangeException(nameof(offset), $"Offset {offset} is outside the text (length {prefix.Length - 1}).");
        return new TokenOffset(prefix[offset.Start], prefix[offset.End]);
    }
}
