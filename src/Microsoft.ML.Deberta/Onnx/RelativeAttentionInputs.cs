namespace Microsoft.ML.Deberta.Onnx;

/// <summary>
/// Graph values every layer's disentangled attention shares: the (R, D) relative-embedding rows in reach and the
/// (L, L) c2p / p2c gather indices into them. Null members when the config has no relative attention.
/// </summary>
internal sealed record RelativeAttentionInputs(string Rows, string C2PIndex, string P2CIndex);
