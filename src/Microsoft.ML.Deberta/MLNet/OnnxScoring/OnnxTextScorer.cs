using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A sequence classifier (or regressor), or a bare model pooled into text embeddings, exported to ONNX, behind the same
/// seam as <see cref="DebertaTextScorer"/> and <see cref="DebertaEmbeddingScorer"/>: the rows are encoded exactly as the
/// TorchSharp scorers encode them (<see cref="TextExampleEncoder"/>, same settings), the graph runs in ONNX Runtime in
/// length-sorted batches, an embedder's token vectors are pooled over each example's tokens, and a long text's windows
/// are averaged (then L2-normalised when asked), as <c>SequenceClassificationPredictor</c> and <c>EmbeddingPredictor</c>
/// do. Nothing here touches a TorchSharp type, so a process that scores this way never loads libtorch.
/// </summary>
/// <remarks>
/// The payload (kind <see cref="Kind"/>) is <c>model.onnx</c>, the tokenizer files, <c>text_encoding.json</c> and
/// <c>onnx_scorer.json</c>; it holds no TorchSharp weights, so a step saved from this scorer always scores with ONNX
/// Runtime. The graph (its bytes, and the external-data file of a model past 2 GB) is kept to write that payload again when the model is saved.
/// </remarks>
internal sealed class OnnxTextScorer : IEncodedExampleScorer
{
    /// <summary>The payload kind this scorer writes and <see cref="OnnxTextScorerLoader"/> reads.</summary>
    public const string Kind = "deberta-onnx-text-scorer";

    private readonly OnnxGraph _graph;
    private DebertaOnnxModel? _model;

    /// <param name="tokenizer">The tokenizer the graph's model was trained with.</param>
    /// <param name="graph">The ONNX graph; owned (disposed) by this scorer from now on.</param>
    /// <param name="source">Where the graph came from, for messages (a path, or the saved step).</param>
    /// <param name="settings">The graph's output and padding id.</param>
    /// <param name="encoding">How rows become model inputs.</param>
    /// <param name="batchSize">Examples per ONNX Runtime run.</param>
    /// <exception cref="InvalidDataException">The graph does not load, its inputs are not DeBERTa's, or it lacks the output.</exception>
    public OnnxTextScorer(DebertaTokenizerBase tokenizer, OnnxGraph graph, string source, OnnxScorerSettings settings,
        TextEncodingSettings encoding, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var model = graph.Open(source, settings.PadTokenId, m => OutputMismatch(m, source, settings));
        Tokenizer = tokenizer;
        _graph = graph;
        _model = model;
        Settings = settings;
        Encoding = encoding;
        BatchSize = batchSize;
    }

    // A sequence classifier's graph gives (batch, num_labels), a bare model's (batch, sequence, hidden); a token
    // classifier's "logits" are (batch, sequence, labels).
    private static string? OutputMismatch(DebertaOnnxModel model, string source, OnnxScorerSettings settings)
    {
        bool embedder = settings.Pooling is not null;
        if (!model.OutputNames.Contains(settings.OutputName))
            return $"The ONNX graph '{source}' has outputs [{string.Join(", ", model.OutputNames)}], not '{settings.OutputName}': " +
                $"it is not {(embedder ? "a bare DebertaModel's graph" : "a sequence classifier's graph (export a …ForSequenceClassification model)")}.";
        var dims = model.OutputDimensions(settings.OutputName);
        int rank = embedder ? 3 : 2;
        if (dims.Count != rank || (dims[^1] >= 0 && dims[^1] != settings.OutputSize))
            return $"The ONNX graph '{source}' gives '{settings.OutputName}' of shape [{string.Join(", ", dims.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]; " +
                $"the step expects [batch, {(embedder ? "sequence, " : "")}{settings.OutputSize}] " +
                $"({(embedder ? "a bare model with the config's hidden_size" : "a sequence classifier with the config's num_labels")}). " +
                "Export the graph from the checkpoint whose config.json sits beside it.";
        return null;
    }

    public string PayloadKind => Kind;

    public int OutputSize => Settings.OutputSize;

    public DebertaTokenizerBase Tokenizer { get; }

    public OnnxScorerSettings Settings { get; }

    public TextEncodingSettings Encoding { get; }

    public int BatchSize { get; }

    private DebertaOnnxModel Model => _model ?? throw new ObjectDisposedException(nameof(OnnxTextScorer));

    public float[][] ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) =>
        ScoreBatch(texts, pairs, PrepareBatch(texts, pairs));

    /// <summary>Tokenizes the rows (thread-safe; the graph is not touched); an embedder refuses empty texts as the TorchSharp one does.</summary>
    public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs)
    {
        if (Settings.Pooling is not null)
            DebertaEmbeddingScorer.RefuseEmptyTexts(texts);
        return TextExampleEncoder.Encode(Tokenizer, texts, pairs, Encoding);
    }

    public float[][] ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared) =>
        ScoreExamples(prepared as IReadOnlyList<EncodedExample> ?? TextExampleEncoder.Encode(Tokenizer, texts, pairs, Encoding), texts.Count);

    public float[][] ScoreExamples(IReadOnlyList<EncodedExample> examples, int sourceCount)
    {
        var model = Model;
        int width = OutputSize;
        var sums = new double[sourceCount * width];
        var windows = new int[sourceCount];
        // Sorted by length, as the TorchSharp scorer batches, so a batch pads little.
        var order = Enumerable.Range(0, examples.Count).OrderBy(i => examples[i].InputIds.Length).ToArray();
        for (int start = 0; start < order.Length; start += BatchSize)
        {
            var batch = order[start..Math.Min(start + BatchSize, order.Length)].Select(i => examples[i]).ToList();
            var outputs = model.Score(batch.Select(e => (IReadOnlyList<int>)e.InputIds).ToList(), null,
                batch.Select(e => (IReadOnlyList<int>)e.TokenTypeIds).ToList())[Settings.OutputName];
            int perRow = outputs.Shape.Length == (Settings.Pooling is null ? 2 : 3) ? checked((int)outputs.Shape[^1]) : -1;
            if (perRow != width)
                throw new InvalidDataException(
                    $"The ONNX graph's '{Settings.OutputName}' has shape [{string.Join(", ", outputs.Shape)}] for {batch.Count} rows; " +
                    $"the step expects {width} value(s) per {(Settings.Pooling is null ? "row" : "token")}.");
            for (int r = 0; r < batch.Count; r++)
            {
                int source = batch[r].SourceIndex;
                windows[source]++;
                Accumulate(outputs.Row(r), batch[r].InputIds.Length, sums.AsSpan(source * width, width));
            }
        }
        var result = new float[sourceCount][];
        for (int s = 0; s < sourceCount; s++)
        {
            result[s] = new float[width];
            double norm = 0;
            for (int c = 0; c < width; c++)
            {
                double value = sums[s * width + c] / windows[s];
                norm += value * value;
                result[s][c] = (float)value;
            }
            if (Settings.Normalize)
            {
                // As torch.nn.functional.normalize (and EmbeddingPredictor): divide by max(‖v‖, 1e-12).
                double scale = 1.0 / Math.Max(Math.Sqrt(norm), 1e-12);
                for (int c = 0; c < width; c++)
                    result[s][c] = (float)(sums[s * width + c] / windows[s] * scale);
            }
        }
        return result;
    }

    // Adds one example's output to its row's sum: a classifier's logits as they are, an embedder's token vectors pooled
    // over the example's own tokens (the batch's padding left out).
    private void Accumulate(ReadOnlySpan<float> output, int length, Span<double> sum)
    {
        int width = sum.Length;
        switch (Settings.Pooling)
        {
            case null:
            case EmbeddingPooling.Cls:
                for (int c = 0; c < width; c++)
                    sum[c] += output[c];
                break;
            case EmbeddingPooling.Max:
                for (int c = 0; c < width; c++)
                {
                    float max = float.NegativeInfinity;
                    for (int t = 0; t < length; t++)
                        max = Math.Max(max, output[t * width + c]);
                    sum[c] += max;
                }
                break;
            default:
                for (int c = 0; c < width; c++)
                {
                    double total = 0;
                    for (int t = 0; t < length; t++)
                        total += output[t * width + c];
                    sum[c] += (float)(total / length);
                }
                break;
        }
    }

    public void SavePayload(string folder)
    {
        OnnxPayloadFiles.Write(folder, _graph, Tokenizer);
        (Encoding with { InferenceBatchSize = BatchSize }).Write(Path.Combine(folder, TextEncodingSettings.FileName));
        Settings.Write(Path.Combine(folder, OnnxScorerSettings.FileName));
    }

    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
        _graph.Dispose();
    }
}
