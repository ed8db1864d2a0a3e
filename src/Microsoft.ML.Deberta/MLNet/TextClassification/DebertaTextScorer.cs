using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A DeBERTa sequence classifier (or regressor) behind the ML.NET layer's seam: tokenizer, model and the encoding
/// they were trained with. <see cref="PrepareBatch"/> encodes the rows (long texts by the model's strategy), outside
/// the transformer's lock, and <c>ScoreBatch</c> runs batched forward passes; its payload is a Hugging Face folder
/// (config, safetensors weights, tokenizer files) plus <c>text_encoding.json</c> (encoding and forward-pass batch
/// size), so transformers can open the saved model too.
/// </summary>
internal sealed class DebertaTextScorer : IEncodedExampleScorer
{
    /// <summary>The payload kind this scorer writes and <see cref="DebertaTextScorerLoader"/> reads.</summary>
    public const string Kind = "deberta-sequence-classifier";

    private DebertaForSequenceClassification? _model;

    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="model">The model; owned (disposed) by this scorer from now on.</param>
    /// <param name="encoding">How rows become model inputs.</param>
    /// <param name="batchSize">Examples per forward pass.</param>
    public DebertaTextScorer(DebertaTokenizerBase tokenizer, DebertaForSequenceClassification model, TextEncodingSettings encoding, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Tokenizer = tokenizer;
        _model = model;
        Encoding = encoding;
        BatchSize = batchSize;
        OutputSize = model.Config.NumLabels;
        // Scoring only: eval mode (dropout off) for good, and, as the scorer owns the weights, the relative-position
        // projections kept between passes.
        model.ConvertForInference(model.Precision);
    }

    public string PayloadKind => Kind;

    public int OutputSize { get; }

    public DebertaTokenizerBase Tokenizer { get; }

    public TextEncodingSettings Encoding { get; }

    public int BatchSize { get; }

    /// <summary>The model (for tests and diagnostics).</summary>
    public DebertaForSequenceClassification Model => _model ?? throw new ObjectDisposedException(nameof(DebertaTextScorer));

    /// <summary>Forward-pass calls (<c>ScoreBatch</c>) so far (diagnostics; calls are serialised by the transformer).</summary>
    public long BatchesScored { get; private set; }

    /// <summary>Rows scored so far.</summary>
    public long RowsScored { get; private set; }

    public float[][] ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) =>
        ScoreBatch(texts, pairs, PrepareBatch(texts, pairs));

    /// <summary>Tokenizes the rows (the tokenizer is thread-safe; the model is not touched).</summary>
    public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) =>
        TextExampleEncoder.Encode(Tokenizer, texts, pairs, Encoding);

    public float[][] ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared)
    {
        var model = Model;
        var examples = prepared as IReadOnlyList<EncodedExample> ?? TextExampleEncoder.Encode(Tokenizer, texts, pairs, Encoding);
        BatchesScored++;
        RowsScored += texts.Count;
        return SequenceClassificationPredictor.PredictLogits(model, examples, texts.Count, BatchSize);
    }

    public float[][] ScoreExamples(IReadOnlyList<EncodedExample> examples, int sourceCount) =>
        SequenceClassificationPredictor.PredictLogits(Model, examples, sourceCount, BatchSize);

    public void SavePayload(string folder)
    {
        SavedPayloadFolder.Write(folder, Model, Tokenizer, Encoding, BatchSize);
    }

    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
    }
}
