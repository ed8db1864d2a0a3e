using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A masked LM behind the structured seam: each row's text is encoded, the batch run through
/// <see cref="DebertaForMaskedLM"/> in length-sorted batches (its vocabulary head at the masks only), and every mask
/// decoded by <see cref="FillMaskRows"/>
/// (transformers' fill-mask rules: top_k, targets). Payload: the Hugging Face folder (with its trained head) and
/// <c>fill_mask.json</c>.
/// </summary>
internal sealed class FillMaskScorer : IDebertaRowScorer<FillMaskRow>
{
    public const string Kind = "deberta-fill-mask";

    private readonly FillMaskRows _rows;
    private DebertaForMaskedLM? _model;

    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="model">The masked LM with a trained head; owned (disposed) by this scorer from now on.</param>
    /// <param name="settings">top_k, targets, maximum length and forward-pass batch size.</param>
    /// <exception cref="ArgumentException">No target yields a token.</exception>
    public FillMaskScorer(DebertaTokenizerBase tokenizer, DebertaForMaskedLM model, FillMaskPayloadSettings settings)
    {
        _rows = new FillMaskRows(tokenizer, settings);
        _model = model;
        // Scoring only: eval mode (dropout off) for good, and, as the scorer owns the weights, the relative-position
        // projections kept between passes.
        model.ConvertForInference(model.Precision);
    }

    public string PayloadKind => Kind;

    public DebertaTokenizerBase Tokenizer => _rows.Tokenizer;

    public FillMaskPayloadSettings Settings => _rows.Settings;

    /// <summary>What transformers warns about the targets (outside the vocabulary, replaced or dropped).</summary>
    public IReadOnlyList<string> TargetWarnings => _rows.TargetWarnings;

    /// <summary>The masked LM (the ONNX Runtime loaders export it).</summary>
    public DebertaForMaskedLM Model => _model ?? throw new ObjectDisposedException(nameof(FillMaskScorer));

    /// <inheritdoc cref="FillMaskRows.Prepare"/>
    public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) => _rows.Prepare(texts, pairs);

    public IReadOnlyList<FillMaskRow> ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared)
    {
        var model = Model;
        var examples = prepared as EncodedExample[] ?? _rows.Prepare(texts, pairs);
        int vocabulary = model.Config.VocabSize;
        var rows = new FillMaskRow[examples.Length];
        BatchedInference.Run(model, examples, Settings.BatchSize, sortByLength: true, CancellationToken.None, (indices, batch) =>
        {
            // The head runs at the masks alone (row × length + position, row by row); Prepare saw a mask in every row.
            long length = batch.InputIds.shape[1];
            var positions = new List<long>();
            var masks = new int[indices.Length];
            for (int r = 0; r < indices.Length; r++)
            {
                var own = _rows.MaskPositions(examples[indices[r]]);
                positions.AddRange(own.Select(p => r * length + p));
                masks[r] = own.Count;
            }
            var logits = model.LogitsAt(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, tensor(positions.ToArray(), device: batch.InputIds.device))
                .to_type(ScalarType.Float32).cpu().data<float>().ToArray();
            int first = 0;
            for (int r = 0; r < indices.Length; r++)
            {
                var example = examples[indices[r]];
                rows[example.SourceIndex] = _rows.RowAtMasks(example, logits.AsSpan(first * vocabulary, masks[r] * vocabulary), vocabulary);
                first += masks[r];
            }
        }, paddingUnread: true);
        return rows;
    }

    public void SavePayload(string folder)
    {
        Model.SavePretrained(folder);
        Tokenizer.SavePretrained(folder);
        (Settings with { InferencePrecision = PrecisionRules.Saved(Model) }).Write(Path.Combine(folder, FillMaskPayloadSettings.FileName));
    }

    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
    }
}
