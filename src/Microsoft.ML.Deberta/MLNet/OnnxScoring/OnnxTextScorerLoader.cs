namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Reads back what <see cref="OnnxTextScorer.SavePayload"/> wrote; never touches TorchSharp.</summary>
internal sealed class OnnxTextScorerLoader : IDebertaTextScorerLoader
{
    public string PayloadKind => OnnxTextScorer.Kind;

    public IDebertaTextScorer Load(string folder)
    {
        const string where = "The saved model's ONNX payload";
        var settings = OnnxScorerSettings.Read(Path.Combine(folder, OnnxScorerSettings.FileName), where);
        var (encoding, batchSize, tokenizer) = SavedPayloadFolder.ReadEncoding(folder);
        return new OnnxTextScorer(tokenizer, OnnxPayloadFiles.ReadGraph(folder, where), $"{where}, {OnnxPayloadFiles.GraphFileName}", settings, encoding, batchSize);
    }
}
