using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A masked LM exported to ONNX, behind the structured seam like <see cref="FillMaskScorer"/>: the same checks and
/// encoding, the texts' (length × vocabulary) logits from ONNX Runtime in length-sorted batches, the same decoding
/// (<see cref="FillMaskRows"/>). Never touches TorchSharp. Payload (kind <see cref="Kind"/>): <c>model.onnx</c>, the
/// tokenizer files, <c>fill_mask.json</c> and <c>onnx_scorer.json</c> (vocabulary size); no weights.
/// </summary>
internal sealed class OnnxFillMaskScorer : IDebertaRowScorer<FillMaskRow>
{
    /// <summary>The payload kind this scorer writes and <see cref="FillMaskReader"/> reads.</summary>
    public const string Kind = "deberta-onnx-fill-mask";

    private readonly OnnxGraph _graph;
    private readonly FillMaskRows _rows;
    private readonly OnnxScorerSettings _onnx;
    private DebertaOnnxModel? _model;

    /// <exception cref="InvalidDataException">The graph does not load or its <c>logits</c> are not (batch, sequence, vocabulary).</exception>
    /// <exception cref="ArgumentException">No target yields a token.</exception>
    public OnnxFillMaskScorer(DebertaTokenizerBase tokenizer, OnnxGraph graph, string source, OnnxScorerSettings onnx, FillMaskPayloadSettings settings)
    {
        var rows = new FillMaskRows(tokenizer, settings);
        _model = graph.Open(source, onnx.PadTokenId,
            m => OnnxGraph.TokenOutputMismatch(m, source, onnx.OutputName, onnx.OutputSize, $"a masked LM's with a vocabulary of {onnx.OutputSize}"));
        _rows = rows;
        _graph = graph;
        _onnx = onnx;
    }

    public string PayloadKind => Kind;

    public FillMaskPayloadSettings Settings => _rows.Settings;

    private DebertaOnnxModel Model => _model ?? throw new ObjectDisposedException(nameof(OnnxFillMaskScorer));

    /// <inheritdoc cref="FillMaskRows.Prepare"/>
    public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) => _rows.Prepare(texts, pairs);

    public IReadOnlyList<FillMaskRow> ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared)
    {
        var examples = prepared as EncodedExample[] ?? _rows.Prepare(texts, pairs);
        var logits = OnnxWindowLogits.Score(Model, [.. examples.Select(e => e.InputIds)], [.. examples.Select(e => e.TokenTypeIds)],
            Settings.BatchSize, [_onnx.OutputName])[0];
        var rows = new FillMaskRow[examples.Length];
        for (int i = 0; i < examples.Length; i++)
            rows[examples[i].SourceIndex] = _rows.Row(examples[i], logits[i], _onnx.OutputSize);
        return rows;
    }

    public void SavePayload(string folder)
    {
        OnnxPayloadFiles.Write(folder, _graph, _rows.Tokenizer);
        Settings.Write(Path.Combine(folder, FillMaskPayloadSettings.FileName));
        _onnx.Write(Path.Combine(folder, OnnxScorerSettings.FileName));
    }

    /// <summary>Reads back what <see cref="SavePayload"/> wrote.</summary>
    /// <exception cref="InvalidDataException">A file is missing or corrupt.</exception>
    public static OnnxFillMaskScorer Open(string folder, FillMaskPayloadSettings settings, string where)
    {
        var onnx = OnnxScorerSettings.Read(Path.Combine(folder, OnnxScorerSettings.FileName), where);
        var (graph, tokenizer) = OnnxPayloadFiles.Read(folder, where);
        return new OnnxFillMaskScorer(tokenizer, graph, $"{where}, {OnnxPayloadFiles.GraphFileName}", onnx, settings);
    }

    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
        _graph.Dispose();
    }
}
