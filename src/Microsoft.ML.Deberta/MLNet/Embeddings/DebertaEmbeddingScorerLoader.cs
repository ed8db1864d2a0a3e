using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Reads back what <see cref="DebertaEmbeddingScorer.SavePayload"/> wrote.</summary>
internal sealed class DebertaEmbeddingScorerLoader : IDebertaTextScorerLoader
{
    public string PayloadKind => DebertaEmbeddingScorer.Kind;

    public IDebertaTextScorer Load(string folder)
    {
        var (encoding, batchSize, tokenizer) = SavedPayloadFolder.ReadEncoding(folder);
        var embedding = EmbeddingPayloadSettings.Read(Path.Combine(folder, EmbeddingPayloadSettings.FileName));
        var model = SavedPayloadFolder.LoadModel<DebertaModel>(folder, encoding.InferencePrecision);
        return new DebertaEmbeddingScorer(tokenizer, model, encoding, embedding, batchSize);
    }
}
