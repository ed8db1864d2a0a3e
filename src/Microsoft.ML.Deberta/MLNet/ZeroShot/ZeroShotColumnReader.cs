using System.Text.Json.Nodes;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Rebuilds a saved zero-shot step whose labels come per row (over TorchSharp or ONNX Runtime, as its payload kind says).</summary>
internal sealed class ZeroShotColumnReader : IRowScoringReader
{
    public string TaskKind => ZeroShotColumns.Kind;

    public IRowScoringStep Read(RowStepSettings settings, JsonObject outputs, string modelFolder, string where)
    {
        var columns = ZeroShotColumns.FromJson(outputs, where);
        if (settings.PayloadKind is not (ZeroShotModel.Kind or ZeroShotModel.OnnxKind))
            throw new InvalidDataException($"{where}: a '{TaskKind}' step with a '{settings.PayloadKind}' payload; expected '{ZeroShotModel.Kind}' " +
                $"or '{ZeroShotModel.OnnxKind}'.");
        var model = ZeroShotModel.Open(modelFolder, settings.PayloadKind, labelsPerRow: true);
        return new RowScoring<ZeroShotRow>(new ZeroShotColumnScorer(model), columns, settings.Columns, settings.BatchSize);
    }
}
