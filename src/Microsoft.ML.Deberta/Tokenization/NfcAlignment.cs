using System.Globalization;
using System.Text;

namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// NFC composition (the <c>NFC</c> step of a transformers 5 <c>tokenizer.json</c> normaliser) that keeps offsets:
/// the text is composed one segment at a time, a segment being a character with the combining marks after it, and
/// every position of a composed segment maps back to the whole original segment.
/// </summary>
internal sealed class NfcAlignment
{
    private readonly int[] _starts;   // composed index → original start of its segment (length Text.Length + 1)
    private readonly int[] _ends;     // composed index → original end of its segment
    private readonly int[] _aligned;  // composed index → the original character the tokenizers library aligns it with

    private NfcAlignment(string text, int[] starts, int[] ends, int[] aligned) => (Text, _starts, _ends, _aligned) = (text, starts, ends, aligned);

    /// <summary>The composed text.</summary>
    public string Text { get; }

    /// <summary>
    /// Composes <paramref name="text"/>, or returns null when it is already in NFC (the common case). A lone surrogate
    /// (which .NET's normalisation refuses, and which the model reads as U+FFFD) is kept as it is, with the marks after it.
    /// </summary>
    public static NfcAlignment? ComposeIfNeeded(string text)
    {
        bool hasLoneSurrogate = HasLoneSurrogate(text);
        if (!hasLoneSurrogate && text.IsNormalized(NormalizationForm.FormC))
            return null;
        var composed = new StringBuilder(text.Length);
        var starts = new List<int>(text.Length + 1);
        var ends = new List<int>(text.Length + 1);
        var aligned = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length;)
        {
            int end = i + (char.IsSurrogatePair(text, i) ? 2 : 1);
            while (end < text.Length && IsCombining(text, end))
                end += char.IsSurrogatePair(text, end) ? 2 : 1;
            string segment = hasLoneSurrogate && HasLoneSurrogate(text[i..end]) ? text[i..end] : text[i..end].Normalize(NormalizationForm.FormC);
            composed.Append(segment);
            for (int k = 0; k < segment.Length; k++)
            {
                starts.Add(i);
                ends.Add(end);
                aligned.Add(i + Math.Min(k, end - i - 1));
            }
            i = end;
        }
        starts.Add(text.Length);
        ends.Add(text.Length);
        aligned.Add(text.Length);
        return new NfcAlignment(composed.ToString(), [.. starts], [.. ends], [.. aligned]);
    }

    /// <summary>The original span of the composed span [start, end).</summary>
    public (int Start, int End) Original(int start, int end)
        => end <= start ? (_starts[start], _starts[start]) : (_starts[start], _ends[end - 1]);

    /// <summary>
    /// The original span the <c>tokenizers</c> library gives the composed span [start, end): a composed character
    /// keeps the alignment of the first character it was made from (the marks it absorbed belong to no token).
    /// </summary>
    public (int Start, int End) OriginalAsFastTokenizer(int start, int end)
        => end <= start ? (_aligned[start], _aligned[start]) : (_aligned[start], _aligned[end - 1] + 1);

    private static bool HasLoneSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogatePair(text, i)) i++;
            else if (char.IsSurrogate(text[i])) return true;
        }
        return false;
    }

    private static bool IsCombining(string text, int index)
        => CharUnicodeInfo.GetUnicodeCategory(text, index) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
}
