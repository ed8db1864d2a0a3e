using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>The checks every catalog method makes on how texts are encoded, with the same messages everywhere.</summary>
internal static class EncodingRules
{
    /// <summary>Checks the maximum length, strategy and stride, and returns the encoding settings (the default stride when none is given).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names the method and setting.</exception>
    public static TextEncodingSettings Check(string method, int maxLength, LongTextStrategy strategy, int? stride, bool pair)
    {
        int specials = pair ? 3 : 2;
        TextTrainerOptionsRules.AtLeast(maxLength, specials + (pair ? 2 : 1), "MaxLength", method);
        if (!Enum.IsDefined(strategy))
            throw new ArgumentOutOfRangeException("LongTextStrategy", strategy, $"{method}: unknown long-text strategy.");
        int window = TextEncodingSettings.SmallestWindow(maxLength, pair);
        if (stride is int s && (s < 0 || s >= window))
            throw new ArgumentOutOfRangeException("Stride", s,
                $"{method}: Stride must lie in [0, {window - 1}]: consecutive windows share fewer tokens than the smallest window " +
                $"({window} text tokens at MaxLength {maxLength}{(pair ? " for a pair" : "")}) holds.");
        return new TextEncodingSettings
        {
            MaxLength = maxLength,
            Strategy = strategy,
            Stride = stride ?? TextEncodingSettings.DefaultStride(maxLength, pair),
        };
    }
}
