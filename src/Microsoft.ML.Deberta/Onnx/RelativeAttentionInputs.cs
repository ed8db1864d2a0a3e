namespace Microsoft.ML.Deberta.Onnx;

/// <summary>
/// Graph values every layer's disentangled attention shares: the (R, D) relative-embedding rows in reach and the
/// c2p / p2c gather indices into them, expanded once to (B, H, L, L) — GatherElements wants the full shape, and
/// expanding per layer would repeat the same copy in every layer.
/// </summary>
internal sealed record RelativeAttentionInputs(string Rows, string C2PIndex, string P2CIndex);
