using System.Text.Json.Nodes;
using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Rebuilds a saved fill-mask step: its columns from <c>row_step.json</c>, its model from the payload (a Hugging Face
/// folder for <see cref="FillMaskScorer"/>, an ONNX graph for <see cref="OnnxFillMaskScorer"/>, as the payload kind says).
/// </summary>
internal sealed class FillMaskReader : IRowScoringReader
{
    public string TaskKind => FillMaskColumns.Kind;

    public IRowScoringStep Read(RowStepSettings settings, JsonObject outputs, string modelFolder, string where)
    {
        var columns = FillMaskColumns.FromJson(outputs, where);
        if (settings.PayloadKind is not (FillMaskScorer.Kind or OnnxFillMaskScorer.Kind))
            throw new InvalidDataException($"{where}: a '{TaskKind}' step with a '{settings.PayloadKind}' payload; expected '{FillMaskScorer.Kind}' " +
                $"or '{OnnxFillMaskScorer.Kind}'.");
        FillMaskPayloadSettings fillMask;
        try
        {
            fillMask = FillMaskPayloadSettings.Read(Path.Combine(modelFolder, FillMaskPayloadSettings.FileName));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{where}: {e.Message}", e);
        }
        // The ONNX payload holds no TorchSharp weights: it always scores with ONNX Runtime.
        if (settings.PayloadKind == OnnxFillMaskScorer.Kind)
            return new RowScoring<FillMaskRow>(OnnxFillMaskScorer.Open(modelFolder, fillMask, where), columns, settings.Columns, settings.BatchSize);
        var tokenizer = TokenizerFiles.Load(modelFolder, where);
        var model = SavedPayloadFolder.LoadModel<DebertaForMaskedLM>(modelFolder, fillMask.InferencePrecision);
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
