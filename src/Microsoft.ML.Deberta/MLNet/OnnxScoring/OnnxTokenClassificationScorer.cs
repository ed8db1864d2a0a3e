using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.Deberta.Tasks.TokenClassification;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A token classifier (NER) exported to ONNX, behind the structured seam like <see cref="TokenClassificationScorer"/>:
/// the same words and stride windows (<see cref="TokenClassificationScorer.Prepare"/>), the windows' token logits from
/// ONNX Runtime in length-sorted batches, then the same word labels and entities
/// (<see cref="TokenClassificationScorer.Rows"/>). Never touches TorchSharp.
/// </summary>
/// <remarks>
/// Payload (kind <see cref="Kind"/>): <c>model.onnx</c>, the tokenizer files, <c>token_classification.json</c> and
/// <c>onnx_scorer.json</c> with the label names; no weights, so the step always scores with ONNX Runtime.
/// </remarks>
internal sealed class OnnxTokenClassificationScorer : IDebertaRowScorer<TokenClassificationRow>
{
    /// <summary>The payload kind this scorer writes and <see cref="TokenClassificationReader"/> reads.</summary>
    public const string Kind = "deberta-onnx-token-classifier";

    private readonly OnnxGraph _graph;
    private readonly TokenClassificationDecoder _decoder;
    private DebertaOnnxModel? _model;

    /// <exception cref="InvalidDataException">The graph does not load, or its <c>logits</c> are not (batch, sequence, labels).</exception>
    public OnnxTokenClassificationScorer(DebertaTokenizerBase tokenizer, OnnxGraph graph, string source, OnnxScorerSettings settings,
        TokenClassificationEncoding encoding)
    {
        Labels = settings.Labels ?? throw new ArgumentException("A token classifier's settings name its labels.", nameof(settings));
        int labels = Labels.Count;
        var model = graph.Open(source, settings.PadTokenId,
            m => OnnxGraph.TokenOutputMismatch(m, source, settings.OutputName, labels, $"a token classifier's with {labels} labels"));
        Tokenizer = tokenizer;
        _graph = graph;
        _model = model;
        Settings = settings;
        Encoding = encoding;
        _decoder = new TokenClassificationDecoder(tokenizer, Labels);
    }

    public string PayloadKind => Kind;

    public DebertaTokenizerBase Tokenizer { get; }

    public OnnxScorerSettings Settings { get; }

    public TokenClassificationEncoding Encoding { get; }

    /// <summary>The label names in id order.</summary>
    public IReadOnlyList<string> Labels { get; }

    private DebertaOnnxModel Model => _model ?? throw new ObjectDisposedException(nameof(OnnxTokenClassificationScorer));

    public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) =>
        TokenClassificationScorer.Prepare(Tokenizer, Encoding, texts);

    public IReadOnlyList<TokenClassificationRow> ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared)
    {
        var p = prepared as TokenClassificationScorer.Prepared ?? TokenClassificationScorer.Prepare(Tokenizer, Encoding, texts);
        var windows = p.Windows.SelectMany(w => w).ToList();
        var logits = windows.Count == 0 ? [] : OnnxWindowLogits.Score(Model, windows, Encoding.InferenceBatchSize, [Settings.OutputName])[0];
        return TokenClassificationScorer.Rows(texts, p, logits, Labels.Count, _decoder, Encoding.Aggregation);
    }

    public void SavePayload(string folder)
    {
        OnnxPayloadFiles.Write(folder, _graph, Tokenizer);
        Encoding.Write(Path.Combine(folder, TokenClassificationEncoding.FileName));
        Settings.Write(Path.Combine(folder, OnnxScorerSettings.FileName));
    }

    /// <summary>Reads back what <see cref="SavePayload"/> wrote.</summary>
    /// <exception cref="InvalidDataException">A file is missing or corrupt.</exception>
    public static OnnxTokenClassificationScorer Open(string folder, TokenClassificationEncoding encoding, string where)
    {
        var settings = OnnxScorerSettings.Read(Path.Combine(folder, OnnxScorerSettings.FileName), where);
        if (settings.Labels is null)
            throw new InvalidDataException($"{where}: '{OnnxScorerSettings.FileName}' names no labels; the file is incomplete or was altered.");
        var (graph, tokenizer) = OnnxPayloadFiles.Read(folder, where, TokenClassificationEncoding.TokenizerOptions);
        return new OnnxTokenClassificationScorer(tokenizer, graph, $"{where}, {OnnxPayloadFiles.GraphFileName}", settings, encoding);
    }

    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
        _graph.Dispose();
    }
}
