using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>
/// Turns a token-classification model's logits into entities exactly as transformers' <c>token-classification</c>
/// (<c>ner</c>) pipeline does: softmax per token, special tokens skipped, aggregation none/simple/first/average/max
/// with the pipeline's sub-word heuristic, grouping of B-/I- tags, <c>ignore_labels</c>, and windows of a long text
/// merged by span. Plain arrays in and out: run the model however you like.
/// </summary>
/// <remarks>
/// Offsets are UTF-16 indices into the text. DeBERTa-v2/v3 windows carry the fast tokenizer's offsets, which the
/// pipeline reports: <see cref="Encode"/> asks for <see cref="DebertaEncodeOptions.FastTokenizerOffsets"/>, and
/// windows encoded without it are refused. The decoder is immutable and thread-safe.
/// </remarks>
public sealed class TokenClassificationDecoder
{
    private readonly DebertaTokenizerBase _tokenizer;
    private readonly string[] _id2label;

    /// <summary>Creates a decoder for a model whose label <c>i</c> is <c>id2label[i]</c>.</summary>
    /// <param name="tokenizer">The tokenizer that made the encodings (its decoder joins words, its unknown token is special).</param>
    /// <param name="id2label">The labels in id order (the checkpoint's <c>id2label</c>).</param>
    /// <exception cref="ArgumentException">No labels, or an empty label.</exception>
    public TokenClassificationDecoder(DebertaTokenizerBase tokenizer, IReadOnlyList<string> id2label)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(id2label);
        if (id2label.Count == 0)
            throw new ArgumentException("id2label is empty: give the model's labels in id order.", nameof(id2label));
        int empty = id2label.ToList().FindIndex(string.IsNullOrEmpty);
        if (empty >= 0)
            throw new ArgumentException($"id2label[{empty}] is empty: every label needs a name.", nameof(id2label));
        _tokenizer = tokenizer;
        _id2label = [.. id2label];
    }

    /// <summary>The tokenizer's unknown-token id (an unknown token's entity text is the text it covers).</summary>
    internal int UnkTokenId => _tokenizer.UnkTokenId;

    /// <summary>Gets the number of labels (the logits' last dimension).</summary>
    public int LabelCount => _id2label.Length;

    /// <summary>
    /// Encodes <paramref name="text"/> as the pipeline does: truncated to <paramref name="maxLength"/> (default the
    /// tokenizer's model max length), or, with <paramref name="stride"/>, cut into windows that overlap by that many
    /// tokens and padded to the longest. Returns the windows in order (one when the text fits).
    /// </summary>
    /// <exception cref="ArgumentException">The text is empty, or the stride does not fit the window.</exception>
    public IReadOnlyList<DebertaEncoding> Encode(string text, int? maxLength = null, int? stride = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
            throw new ArgumentException("The text is empty: there is nothing to tag.", nameof(text));
        int length = maxLength ?? _tokenizer.ModelMaxLength;
        if (stride is int s && (s < 0 || s >= length - _tokenizer.NumSpecialTokensToAdd()))
            throw new ArgumentException(
                $"stride {s} must be at least 0 and less than the window's {length - _tokenizer.NumSpecialTokensToAdd()} text tokens (max length {length} less the special tokens).",
                nameof(stride));
        var encoding = _tokenizer.Encode(text, new DebertaEncodeOptions
        {
            MaxLength = length,
            Truncation = DebertaTruncation.LongestFirst,
            Stride = stride ?? 0,
            ReturnOverflowingTokens = stride is not null,
            Padding = stride is not null ? DebertaPadding.Longest : DebertaPadding.None,
            FastTokenizerOffsets = true,
        });
        return [encoding, .. encoding.Overflowing];
    }

    /// <summary>Decodes the entities of one text from the logits of its windows.</summary>
    /// <param name="text">The text the windows were encoded from.</param>
    /// <param name="windows">Its encodings: one, or the stride windows in order.</param>
    /// <param name="logits">Per window, Length × <see cref="LabelCount"/> logits, row-major (the rows of trailing pads may be left out).</param>
    /// <param name="options">Aggregation and ignored labels; the pipeline's defaults when null.</param>
    /// <exception cref="ArgumentException">The counts or lengths do not match, or aggregation none is asked for several windows.</exception>
    public IReadOnlyList<EntitySpan> Decode(
        string text, IReadOnlyList<DebertaEncoding> windows, IReadOnlyList<float[]> logits, TokenClassificationDecodingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(logits);
        options ??= new TokenClassificationDecodingOptions();
        Validate(windows, logits, options);
        var ignored = new HashSet<string>(options.IgnoreLabels ?? [], StringComparer.Ordinal);
        var all = new List<EntitySpan>();
        for (int w = 0; w < windows.Count; w++)
        {
            var tokens = TokenGatherer.Gather(text, windows[w], windows[w].Offsets, logits[w], LabelCount, _tokenizer.UnkTokenId);
            all.AddRange(Aggregate(tokens, options.Aggregation).Where(e => !ignored.Contains(e.Label)));
        }
        return windows.Count > 1 ? OverlappingEntities.Merge(all) : all;
    }

    /// <summary>Entities of one window's scored tokens by <paramref name="aggregation"/> (before ignore_labels).</summary>
    internal List<EntitySpan> Aggregate(List<ScoredToken> tokens, EntityAggregation aggregation)
    {
        if (aggregation is EntityAggregation.First or EntityAggregation.Average or EntityAggregation.Max)
            return EntityGrouper.Group(WordAggregator.Aggregate(tokens, aggregation, _id2label, _tokenizer), _tokenizer);
        var entities = tokens.Select(t =>
        {
            int label = Softmax.ArgMax(t.Probabilities);
            return new EntitySpan(_id2label[label], t.Probabilities[label], t.Word, t.Start, t.End, t.Index);
        }).ToList();
        return aggregation == EntityAggregation.None ? entities : EntityGrouper.Group(entities, _tokenizer);
    }

    private void Validate(IReadOnlyList<DebertaEncoding> windows, IReadOnlyList<float[]> logits, TokenClassificationDecodingOptions options)
    {
        if (!Enum.IsDefined(options.Aggregation))
            throw new ArgumentException($"Unknown aggregation {options.Aggregation}: use None, Simple, First, Average or Max.", nameof(options));
        if (windows.Count == 0)
            throw new ArgumentException("No windows were given: pass the text's encoding(s).", nameof(windows));
        PipelineOffsets.Require(_tokenizer, windows, nameof(windows));
        if (windows.Count != logits.Count)
            throw new ArgumentException($"{windows.Count} window(s) but {logits.Count} logits array(s): give one logits array per window.", nameof(logits));
        if (windows.Count > 1 && options.Aggregation == EntityAggregation.None)
            throw new ArgumentException(
                "Several windows need an aggregation other than None to be merged (as the pipeline refuses stride with aggregation_strategy=\"none\"): use Simple, First, Average or Max.",
                nameof(options));
        for (int w = 0; w < windows.Count; w++)
        {
            if (!WindowLogits.Fits(windows[w], logits[w], LabelCount))
                throw new ArgumentException(
                    $"Window {w} has {windows[w].Length} tokens, so its logits need {windows[w].Length} × {LabelCount} = {windows[w].Length * LabelCount} values (or as many for its tokens before the padding), not {logits[w]?.Length ?? 0}: is this the model with these {LabelCount} labels?",
                    nameof(logits));
        }
    }
}
