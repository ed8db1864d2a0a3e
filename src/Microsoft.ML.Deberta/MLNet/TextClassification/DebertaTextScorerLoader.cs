using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Reads back what <see cref="DebertaTextScorer.SavePayload"/> wrote: a Hugging Face folder plus <c>text_encoding.json</c>.</summary>
internal sealed class DebertaTextScorerLoader : IDebertaTextScorerLoader
{
    public string PayloadKind => DebertaTextScorer.Kind;

    public IDebertaTextScorer Load(string folder)
    {
        var (encoding, batchSize, tokenizer) = SavedPayloadFolder.ReadEncoding(folder);
        var model = SavedPayloadFolder.LoadModel<DebertaForSequenceClassification>(folder, encoding.InferencePrecision);
        return new DebertaTextScorer(tokenizer, model, encoding, batchSize);
    }
}
