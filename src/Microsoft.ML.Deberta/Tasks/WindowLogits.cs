using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks;

/// <summary>
/// How many logits rows a window needs: one per token, or one per token before its trailing padding (what a model
/// run on unpadded windows gives back); the pads are never read.
/// </summary>
internal static class WindowLogits
{
    /// <summary>The number of tokens before the window's trailing pads.</summary>
    public static int UnpaddedLength(DebertaEncoding window)
    {
        int length = window.Length;
        while (length > 0 && window.AttentionMask[length - 1] == 0)
            length--;
        return length;
    }

    /// <summary>Whether <paramref name="values"/> holds <paramref name="perToken"/> values for every token, or for every token before the pads.</summary>
    public static bool Fits(DebertaEncoding window, float[]? values, int perToken)
        => values is not null && (values.Length == window.Length * perToken || values.Length == UnpaddedLength(window) * perToken);
}
