using Microsoft.ML.Deberta.Tasks.FillMask;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// What both fill-mask scorers (TorchSharp's <see cref="FillMaskScorer"/>, ONNX Runtime's
/// <see cref="OnnxFillMaskScorer"/>) do around the forward pass, so they check, encode and decode alike: every text
/// must hold the mask token within the maximum length, and each text's logits (every position's for ONNX Runtime, the
/// masks' alone for TorchSharp) become its row by <see cref="FillMaskDecoder"/> (transformers' fill-mask rules: top_k, targets).
/// </summary>
internal sealed class FillMaskRows
{
    private readonly FillMaskDecoder _decoder;
    private readonly FillMaskTargets? _targets;

    /// <exception cref="ArgumentException">No target yields a token.</exception>
    public FillMaskRows(DebertaTokenizerBase tokenizer, FillMaskPayloadSettings settings)
    {
        Tokenizer = tokenizer;
        Settings = settings;
        _decoder = new FillMaskDecoder(tokenizer);
        _targets = settings.Targets is null ? null : FillMaskTargets.Resolve(tokenizer, settings.Targets);
    }

    public DebertaTokenizerBase Tokenizer { get; }

    public FillMaskPayloadSettings Settings { get; }

    /// <summary>What transformers warns about the targets (outside the vocabulary, replaced or dropped).</summary>
    public IReadOnlyList<string> TargetWarnings => _targets?.Warnings ?? [];

    /// <summary>Checks every text holds the mask token, then tokenizes (cut at the maximum length; a mask cut off is an error).</summary>
    /// <exception cref="InvalidDataException">A text without the mask token (another model's spelling is named), or with every mask cut off.</exception>
    public EncodedExample[] Prepare(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs)
    {
        string mask = Tokenizer.MaskToken;
        for (int i = 0; i < texts.Count; i++)
            if (!texts[i].Contains(mask, StringComparison.Ordinal))
                throw new InvalidDataException(
                    $"FillMask: text {i + 1} of a batch of {texts.Count} rows (\"{Shorten(texts[i])}\") holds no mask token: write {mask} where a word " +
                    $"should be predicted{OtherMaskHint(texts[i], mask)}.");
        var options = new DebertaEncodeOptions { MaxLength = Settings.MaxLength, Truncation = DebertaTruncation.LongestFirst };
        var examples = Tokenizer.EncodeBatch(texts, pairs?.ToArray(), options)
            .Select((e, i) => new EncodedExample([.. e.InputIds], [.. e.TokenTypeIds], i)).ToArray();
        foreach (var example in examples)
            if (!example.InputIds.Contains(Tokenizer.MaskTokenId))
                throw new InvalidDataException(
                    $"FillMask: every {mask} of text {example.SourceIndex + 1} of the batch lies beyond MaxLength {Settings.MaxLength} tokens; raise MaxLength or shorten the text.");
        return examples;
    }

    /// <summary>The positions of <paramref name="example"/>'s mask tokens, in order (the rows <see cref="RowAtMasks"/> reads).</summary>
    public IReadOnlyList<int> MaskPositions(EncodedExample example) => _decoder.MaskPositions(example.InputIds);

    /// <summary>The row of <paramref name="example"/> from its own positions' logits (length × <paramref name="vocabulary"/>, no padding).</summary>
    public FillMaskRow Row(EncodedExample example, ReadOnlySpan<float> logits, int vocabulary) =>
        ToRow(_decoder.Decode(example.InputIds, logits, vocabulary, Settings.TopK, _targets));

    /// <summary>The row of <paramref name="example"/> from its masks' logits alone (one row of <paramref name="vocabulary"/> per mask, in order).</summary>
    public FillMaskRow RowAtMasks(EncodedExample example, ReadOnlySpan<float> maskLogits, int vocabulary) =>
        ToRow(_decoder.DecodeAtMasks(example.InputIds, maskLogits, vocabulary, Settings.TopK, _targets));

    private static FillMaskRow ToRow(IReadOnlyList<IReadOnlyList<FillMaskPrediction>> perMask)
    {
        var all = perMask.SelectMany(m => m).ToArray();
        return new FillMaskRow(all.Select(p => p.TokenString).ToArray(), all.Select(p => p.Score).ToArray(),
            all.Select(p => p.Sequence).ToArray(), all.Select(p => p.TokenId).ToArray());
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    // Texts written for another model family's mask (RoBERTa's <mask>, a lower-case [mask]) get the right spelling named.
    private static string OtherMaskHint(string text, string mask)
    {
        foreach (var other in new[] { "<mask>", "[mask]", "[MASK]", "<MASK>" })
            if (other != mask && text.Contains(other, StringComparison.Ordinal))
                return $" (it holds {other}, which this tokenizer does not know as its mask token; write {mask} instead)";
        return "";
    }
}
