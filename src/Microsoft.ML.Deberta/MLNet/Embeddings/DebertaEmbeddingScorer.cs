using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A DeBERTa backbone behind the ML.NET seam as a text embedder: one vector of hidden_size values per row
/// (<see cref="EmbeddingPredictor"/>). Its payload is a Hugging Face folder of the bare model and tokenizer plus
/// <c>text_encoding.json</c> and <c>embedding.json</c>.
/// </summary>
internal sealed class DebertaEmbeddingScorer : IDebertaTextScorer
{
    /// <summary>The payload kind this scorer writes and <see cref="DebertaEmbeddingScorerLoader"/> reads.</summary>
    public const string Kind = "deberta-text-embedder";

    private DebertaModel? _model;

    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="model">The backbone; owned (disposed) by this scorer from now on.</param>
    /// <param name="encoding">How rows become model inputs (sliding windows are averaged).</param>
    /// <param name="embedding">Pooling and normalisation.</param>
    /// <param name="batchSize">Examples per forward pass.</param>
    public DebertaEmbeddingScorer(DebertaTokenizerBase tokenizer, DebertaModel model, TextEncodingSettings encoding,
        EmbeddingPayloadSettings embedding, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Tokenizer = tokenizer;
        _model = model;
        Encoding = encoding;
        Embedding = embedding;
        BatchSize = batchSize;
        OutputSize = model.Config.HiddenSize;
        // Scoring only: eval mode (dropout off) for good, and, as the scorer owns the weights, the relative-position
        // projections kept between passes.
        model.ConvertForInference(model.Precision);
    }

    public string PayloadKind => Kind;

    public int OutputSize { get; }

    public DebertaTokenizerBase Tokenizer { get; }

    public TextEncodingSettings Encoding { get; }

    public EmbeddingPayloadSettings Embedding { get; }

    public int BatchSize { get; }

    internal DebertaModel Model => _model ?? throw new ObjectDisposedException(nameof(DebertaEmbeddingScorer));

    public float[][] ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) =>
        ScoreBatch(texts, pairs, PrepareBatch(texts, pairs));

    /// <summary>Refuses empty texts (there is nothing to embed), then tokenizes.</summary>
    public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs)
    {
        RefuseEmptyTexts(texts);
        return TextExampleEncoder.Encode(Tokenizer, texts, pairs, Encoding);
    }

    /// <summary>An empty text has no tokens to embed: refused, naming its place in the batch (the ONNX Runtime embedder does the same).</summary>
    internal static void RefuseEmptyTexts(IReadOnlyList<string> texts)
    {
        for (int i = 0; i < texts.Count; i++)
            if (string.IsNullOrWhiteSpace(texts[i]))
                throw new InvalidDataException(
                    $"TextEmbedding: text {i + 1} of a batch of {texts.Count} rows is empty, and an empty text has no tokens to embed. " +
                    "Remove such rows first (e.g. mlContext.Data.FilterByCustomPredicate) or give them a placeholder text.");
    }

    public float[][] ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared)
    {
        var examples = prepared as IReadOnlyList<EncodedExample> ?? (IReadOnlyList<EncodedExample>)PrepareBatch(texts, pairs)!;
        return EmbeddingPredictor.Embed(Model, examples, texts.Count, BatchSize, Embedding.Pooling, Embedding.Normalize);
    }

    public void SavePayload(string folder)
    {
        SavedPayloadFolder.Write(folder, Model, Tokenizer, Encoding, BatchSize);
        Embedding.Write(Path.Combine(folder, EmbeddingPayloadSettings.FileName));
    }

    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
    }
}
