namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// Options of one encode call, mirroring the keyword arguments of a transformers 4.x fast tokenizer
/// (<c>add_special_tokens</c>, <c>max_length</c>, <c>truncation</c>, <c>padding</c>, <c>stride</c>,
/// <c>return_overflowing_tokens</c>, <c>pad_to_multiple_of</c>).
/// </summary>
public sealed class DebertaEncodeOptions
{
    /// <summary>Gets the defaults: special tokens added, no truncation, no padding.</summary>
    public static DebertaEncodeOptions Default { get; } = new();

    /// <summary>Gets whether <c>[CLS] A [SEP]</c> / <c>[CLS] A [SEP] B [SEP]</c> are added (default true).</summary>
    public bool AddSpecialTokens { get; init; } = true;

    /// <summary>
    /// Gets the maximum length in tokens, special tokens included. Used for truncation and for
    /// <see cref="DebertaPadding.MaxLength"/>. When truncation is requested without it, the tokenizer's
    /// <see cref="DebertaTokenizerBase.ModelMaxLength"/> is used, as transformers does.
    /// </summary>
    public int? MaxLength { get; init; }

    /// <summary>
    /// Gets the truncation strategy. Null (the default) means what transformers does for <c>truncation=None</c>:
    /// <see cref="DebertaTruncation.LongestFirst"/> when <see cref="MaxLength"/> is set, otherwise none.
    /// </summary>
    public DebertaTruncation? Truncation { get; init; }

    /// <summary>Gets the padding strategy (default <see cref="DebertaPadding.None"/>).</summary>
    public DebertaPadding Padding { get; init; } = DebertaPadding.None;

    /// <summary>Gets a multiple the padded length is rounded up to (transformers' <c>pad_to_multiple_of</c>).</summary>
    public int? PadToMultipleOf { get; init; }

    /// <summary>
    /// Gets the number of tokens consecutive overflow windows share. Must be smaller than the window a
    /// truncated sequence gets (its budget), as in transformers.
    /// </summary>
    public int Stride { get; init; }

    /// <summary>
    /// Gets whether a truncated input yields every window (<see cref="DebertaEncoding.Overflowing"/> for one input,
    /// extra encodings with the same <see cref="DebertaEncoding.SampleIndex"/> in a batch) instead of the first only.
    /// </summary>
    public bool ReturnOverflowingTokens { get; init; }

    /// <summary>
    /// Gets whether offsets follow transformers' fast (tokenizer.json) v2/v3 tokenizer instead of sentencepiece (default
    /// false). They differ for pieces that begin with <c>▁</c>: sentencepiece (and the 4.x slow tokenizer) start such a
    /// piece at the first character of the whitespace run before its word and give a lone dummy-prefix <c>▁</c> an
    /// empty span; the fast tokenizer gives the <c>▁</c> only the last whitespace character before the word, or, when
    /// there is none, aligns it with the word's first character. An NFC-composed character (tokenizer.json) keeps the
    /// span of its first original character. Use it to reproduce the offsets of transformers 5 pipelines (the Tasks
    /// decoders' <c>Encode</c> methods set it); <see cref="DebertaEncoding.HasFastTokenizerOffsets"/> records it.
    /// No effect on v1.
    /// </summary>
    public bool FastTokenizerOffsets { get; init; }

    /// <summary>
    /// Emulates the early exit of the Rust <c>tokenizers</c> library 0.23.1 and later (huggingface/tokenizers#1990,
    /// reported as #2091): when truncating, each sequence stops being tokenized after the pre-token split that
    /// brings it to <see cref="MaxLength"/> tokens, so overflow windows do not cover the rest of the text. Only the
    /// parity tests use it, to compare with reference files written by those versions; transformers 4.x did not.
    /// </summary>
    internal bool EmulateTokenizersEarlyExit { get; init; }

    internal DebertaTruncation ResolveTruncation()
        => Truncation ?? (MaxLength is null ? DebertaTruncation.None : DebertaTruncation.LongestFirst);

    /// <summary>Checks the values that do not depend on the input; throws <see cref="ArgumentException"/>.</summary>
    internal void Validate()
    {
        if (MaxLength is int max && max < 0)
            throw new ArgumentException($"MaxLength must not be negative (got {max}).", nameof(MaxLength));
        if (Stride < 0)
            throw new ArgumentException($"Stride must not be negative (got {Stride}).", nameof(Stride));
        if (PadToMultipleOf is int multiple && multiple <= 0)
            throw new ArgumentException($"PadToMultipleOf must be positive (got {multiple}).", nameof(PadToMultipleOf));
        if (Padding == DebertaPadding.MaxLength && MaxLength is null)
            throw new ArgumentException("Padding to MaxLength needs MaxLength to be set.", nameof(Padding));
        if (!Enum.IsDefined(Padding))
            throw new ArgumentException($"Unknown padding strategy {Padding}.", nameof(Padding));
        if (Truncation is DebertaTruncation t && !Enum.IsDefined(t))
            throw new ArgumentException($"Unknown truncation strategy {t}.", nameof(Truncation));
    }
}
