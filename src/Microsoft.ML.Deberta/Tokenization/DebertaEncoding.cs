namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// One encoded model input (one row of a batch): ids and the per-token information transformers' fast tokenizers
/// return. All lists have <see cref="Length"/> entries. Pad tokens have type id 0, attention 0, special-token
/// mask 1, offsets (0, 0) and no word or sequence id.
/// </summary>
public sealed class DebertaEncoding
{
    private readonly SequenceSource?[] _sources;

    internal DebertaEncoding(
        int[] inputIds, int[] tokenTypeIds, int[] attentionMask, int[] specialTokensMask, string[] tokens,
        TokenOffset[] offsets, int?[] wordIds, int?[] sequenceIds, int sampleIndex, SequenceSource?[] sources)
    {
        InputIds = inputIds;
        TokenTypeIds = tokenTypeIds;
        AttentionMask = attentionMask;
        SpecialTokensMask = specialTokensMask;
        Tokens = tokens;
        Offsets = offsets;
        WordIds = wordIds;
        SequenceIds = sequenceIds;
        SampleIndex = sampleIndex;
        _sources = sources;
    }

    /// <summary>Gets the number of tokens, padding included.</summary>
    public int Length => InputIds.Count;

    /// <summary>Gets the token ids (<c>input_ids</c>).</summary>
    public IReadOnlyList<int> InputIds { get; }

    /// <summary>Gets the token type ids: 0 for <c>[CLS] A [SEP]</c>, 1 for <c>B [SEP]</c>, 0 for padding.</summary>
    public IReadOnlyList<int> TokenTypeIds { get; }

    /// <summary>Gets the attention mask: 1 for real tokens, 0 for padding.</summary>
    public IReadOnlyList<int> AttentionMask { get; }

    /// <summary>Gets 1 for tokens the template or padding added, 0 for tokens of the text (special tokens written in the text included).</summary>
    public IReadOnlyList<int> SpecialTokensMask { get; }

    /// <summary>Gets the vocabulary entry of every id (<c>convert_ids_to_tokens</c>), e.g. <c>Ġworld</c> or <c>▁world</c>.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>
    /// Gets the UTF-16 span of every token in the text of its sequence (relative to its word for pre-split input).
    /// Byte-level tokens that cover part of a character cover the whole character.
    /// </summary>
    public IReadOnlyList<TokenOffset> Offsets { get; }

    /// <summary>
    /// Gets whether <see cref="Offsets"/> follow transformers' fast tokenizer (the encoding was made with
    /// <see cref="DebertaEncodeOptions.FastTokenizerOffsets"/>) rather than sentencepiece. v1 offsets are the same
    /// either way.
    /// </summary>
    public bool HasFastTokenizerOffsets { get; internal init; }

    /// <summary>Gets the word of every token: a pre-token of the text, or the index of a pre-split word; null for added tokens.</summary>
    public IReadOnlyList<int?> WordIds { get; }

    /// <summary>Gets 0 for tokens of the first sequence, 1 for the second, null for special and pad tokens.</summary>
    public IReadOnlyList<int?> SequenceIds { get; }

    /// <summary>Gets the index of the input this encoding (or overflow window) came from (<c>overflow_to_sample_mapping</c>).</summary>
    public int SampleIndex { get; }

    /// <summary>
    /// Gets the further windows of a truncated input when overflowing tokens were requested from a single-input
    /// call; empty otherwise (batch calls return the windows as separate encodings).
    /// </summary>
    public IReadOnlyList<DebertaEncoding> Overflowing { get; internal set; } = Array.Empty<DebertaEncoding>();

    /// <summary>
    /// Returns <see cref="Offsets"/> converted to code-point offsets (the way Python counts characters), each
    /// relative to the text (or word) its token came from.
    /// </summary>
    public TokenOffset[] GetCodePointOffsets()
    {
        var result = new TokenOffset[Length];
        var cache = new Dictionary<string, int[]>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < result.Length; i++)
        {
            if (SequenceIds[i] is not int sequence || _sources[sequence] is not SequenceSource source)
                continue; // special or pad token: (0, 0)
            string text = source.TextOf(WordIds[i]);
            if (!cache.TryGetValue(text, out int[]? prefix))
                cache[text] = prefix = CodePointIndex.CodePointsBefore(text);
            result[i] = CodePointIndex.FromUtf16(prefix, Offsets[i]);
        }
        return result;
    }
}
