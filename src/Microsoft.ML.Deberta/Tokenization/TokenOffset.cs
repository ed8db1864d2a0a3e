namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// A half-open character span <c>[Start, End)</c> of a token in the text it came from. Offsets produced by the
/// tokenizers are .NET string indices (UTF-16 code units); <see cref="CodePointIndex"/> converts them to the
/// code-point offsets Python reports. Special and padding tokens have the empty span (0, 0).
/// </summary>
/// <param name="Start">Index of the first character of the token.</param>
/// <param name="End">Index one past the last character of the token.</param>
public readonly record struct TokenOffset(int Start, int End)
{
    /// <summary>Gets the number of characters the span covers.</summary>
    public int Length => End - Start;

    /// <inheritdoc/>
    public override string ToString() => $"({Start}, {End})";
}
