using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.FillMask;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A masked LM behind the structured seam: each row's text is encoded, the batch run through
/// <see cref="DebertaForMaskedLM"/> in length-sorted batches, and every mask decoded by <see cref="FillMaskDecoder"/>
/// (transformers' fill-mask rules: top_k, targets). Payload: the Hugging Face folder (with its trained head) and
/// <c>fill_mask.json</c>.
/// </summary>
internal sealed class FillMaskScorer : IDebertaRowScorer<FillMaskRow>
{
    public const string Kind = "deberta-fill-mask";

    private readonly FillMaskDecoder _decoder;
    private readonly FillMaskTargets? _targets;
    private DebertaForMaskedLM? _model;

    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="model">The masked LM with a trained head; owned (disposed) by this scorer from now on.</param>
    /// <param name="settings">top_k, targets, maximum length and forward-pass batch size.</param>
    /// <exception cref="ArgumentException">No target yields a token.</exception>
    public FillMaskScorer(DebertaTokenizerBase tokenizer, DebertaForMaskedLM model, FillMaskPayloadSettings settings)
    {
        Tokenizer = tokenizer;
        Settings = settings;
        _decoder = new FillMaskDecoder(tokenizer);
        _targets = settings.Targets is null ? null : FillMaskTargets.Resolve(tokenizer, settings.Targets);
        _model = model;
        model.eval();
    }

    public string PayloadKind => Kind;

    public DebertaTokenizerBase Tokenizer { get; }

    public FillMaskPayloadSettings Settings { get; }

    /// <summary>What transformers warns about the targets (outside the vocabulary, replaced or dropped).</summary>
    public IReadOnlyList<string> TargetWarnings => _targets?.Warnings ?? [];

    private DebertaForMaskedLM Model => _model ?? throw new ObjectDisposedException(nameof(FillMaskScorer));

    /// <summary>Checks every text holds the mask token, then tokenizes (cut at the maximum length; a mask cut off is an error).</summary>
    public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs)
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

    public IReadOnlyList<FillMaskRow> ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared)
    {
        var model = Model;
        var examples = prepared as EncodedExample[] ?? (EncodedExample[])PrepareBatch(texts, pairs)!;
        int vocabulary = model.Config.VocabSize;
        var rows = new FillMaskRow[examples.Length];
        BatchedInference.Run(model, examples, Settings.BatchSize, sortByLength: true, CancellationToken.None, (indices, batch) =>
        {
            var logits = model.Forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds).Logits.to_type(ScalarType.Float32).cpu();
            for (int r = 0; r < indices.Length; r++)
            {
                var example = examples[indices[r]];
                // Only this text's positions, without the batch's padding: the (L, V) block the decoder reads.
                var own = logits[r].narrow(0, 0, example.InputIds.Length).contiguous().data<float>().ToArray();
                var perMask = _decoder.Decode(example.InputIds, own, vocabulary, Settings.TopK, _targets);
                var all = perMask.SelectMany(m => m).ToArray();
                rows[example.SourceIndex] = new FillMaskRow(all.Select(p => p.TokenString).ToArray(), all.Select(p => p.Score).ToArray(),
                    all.Select(p => p.Sequence).ToArray(), all.Select(p => p.TokenId).ToArray());
            }
        });
        return rows;
    }

    public void SavePayload(string folder)
    {
        Model.SavePretrained(folder);
        Tokenizer.SavePretrained(folder);
        Settings.Write(Path.Combine(folder, FillMaskPayloadSettings.FileName));
    }

    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
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
