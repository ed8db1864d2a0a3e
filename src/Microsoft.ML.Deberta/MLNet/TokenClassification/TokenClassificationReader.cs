using System.Text.Json.Nodes;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Rebuilds a saved NER step: its payload (<see cref="TokenClassificationScorer"/>) and its output columns.</summary>
internal sealed class TokenClassificationReader : IRowScoringReader
{
    public string TaskKind => TokenClassificationColumns.Task;

    public IRowScoringStep Read(RowStepSettings settings, JsonObject outputs, string modelFolder, string where)
    {
        if (settings.PayloadKind is not (TokenClassificationScorer.Kind or OnnxTokenClassificationScorer.Kind))
            throw new InvalidDataException($"{where}: a '{TaskKind}' step with a '{settings.PayloadKind}' payload; expected '{TokenClassificationScorer.Kind}' " +
                $"or '{OnnxTokenClassificationScorer.Kind}'.");
        var columns = TokenClassificationColumns.FromJson(outputs, where);
        var encoding = TokenClassificationEncoding.Read(Path.Combine(modelFolder, TokenClassificationEncoding.FileName));
        // The ONNX payload holds no TorchSharp weights: it always scores with ONNX Runtime.
        IDebertaRowScorer<TokenClassificationRow> scorer;
        IReadOnlyList<string> labels;
        if (settings.PayloadKind == OnnxTokenClassificationScorer.Kind)
        {
            var onnx = OnnxTokenClassificationScorer.Open(modelFolder, encoding, where);
            (scorer, labels) = (onnx, onnx.Labels);
        }
        else
        {
            var torch = TokenClassificationScorer.Open(modelFolder, null, encoding, where);
            (scorer, labels) = (torch, torch.Labels);
        }
        if (labels.Count != columns.Labels.Count)
        {
            scorer.Dispose();
            throw new InvalidDataException($"{where}: the model has {labels.Count} labels but {columns.Labels.Count} label values were saved.");
        }
        return new RowScoring<TokenClassificationRow>(scorer, columns, settings.Columns, settings.BatchSize);
    }
}
