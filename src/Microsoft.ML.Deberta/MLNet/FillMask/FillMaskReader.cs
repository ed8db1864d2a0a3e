using System.Text.Json.Nodes;
using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Rebuilds a saved fill-mask step: its columns from <c>row_step.json</c>, its model from the payload.</summary>
internal sealed class FillMaskReader : IRowScoringReader
{
    public string TaskKind => FillMaskColumns.Kind;

    public IRowScoringStep Read(RowStepSettings settings, JsonObject outputs, string modelFolder, string where)
    {
        var columns = FillMaskColumns.FromJson(outputs, where);
        FillMaskPayloadSettings fillMask;
        try
        {
            fillMask = FillMaskPayloadSettings.Read(Path.Combine(modelFolder, FillMaskPayloadSettings.FileName));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{where}: {e.Message}", e);
        }
        var tokenizer = TokenizerFiles.Load(modelFolder, where);
        var model = SavedPayloadFolder.LoadModel<DebertaForMaskedLM>(modelFolder);
        try
        {
            return new RowScoring<FillMaskRow>(new FillMaskScorer(tokenizer, model, fillMask), columns, settings.Columns, settings.BatchSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
