namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Reads back what <see cref="ZeroShotScorer.SavePayload"/> wrote over the runtime <paramref name="payloadKind"/> names.</summary>
/// <param name="payloadKind"><see cref="ZeroShotModel.Kind"/> (TorchSharp) or <see cref="ZeroShotModel.OnnxKind"/> (ONNX Runtime).</param>
internal sealed class ZeroShotScorerLoader(string payloadKind) : IDebertaTextScorerLoader
{
    public string PayloadKind => payloadKind;

    public IDebertaTextScorer Load(string folder) => new ZeroShotScorer(ZeroShotModel.Open(folder, payloadKind, labelsPerRow: false));
}
