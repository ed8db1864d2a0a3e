using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Reads back what <see cref="ZeroShotScorer.SavePayload"/> wrote.</summary>
internal sealed class ZeroShotScorerLoader : IDebertaTextScorerLoader
{
    public string PayloadKind => ZeroShotScorer.Kind;

    public IDebertaTextScorer Load(string folder)
    {
        var (encoding, batchSize, tokenizer) = SavedPayloadFolder.ReadEncoding(folder);
        var model = SavedPayloadFolder.LoadModel<DebertaForSequenceClassification>(folder);
        try
        {
            var settings = ZeroShotPayloadSettings.Read(Path.Combine(folder, ZeroShotPayloadSettings.FileName), model.Config.NumLabels);
            return new ZeroShotScorer(new ZeroShotModel(tokenizer, model, encoding, settings, batchSize));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
