using System.Text.Json.Nodes;
using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Rebuilds a saved zero-shot step whose labels come per row.</summary>
internal sealed class ZeroShotColumnReader : IRowScoringReader
{
    public string TaskKind => ZeroShotColumns.Kind;

    public IRowScoringStep Read(RowStepSettings settings, JsonObject outputs, string modelFolder, string where)
    {
        var columns = ZeroShotColumns.FromJson(outputs, where);
        var (encoding, batchSize, tokenizer) = SavedPayloadFolder.ReadEncoding(modelFolder);
        var model = SavedPayloadFolder.LoadModel<DebertaForSequenceClassification>(modelFolder);
        try
        {
            var zeroShot = ZeroShotPayloadSettings.Read(Path.Combine(modelFolder, ZeroShotPayloadSettings.FileName), model.Config.NumLabels, labelsPerRow: true);
            return new RowScoring<ZeroShotRow>(new ZeroShotColumnScorer(new ZeroShotModel(tokenizer, model, encoding, zeroShot, batchSize)), columns, settings.Columns, settings.BatchSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
