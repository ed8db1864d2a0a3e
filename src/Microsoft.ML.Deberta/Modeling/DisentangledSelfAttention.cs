using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// Disentangled self-attention: content-to-content scores plus the relative-position terms (c2p, p2c).
/// v1 and v2 differ in projections and scaling order, so each has its own class; both take the same inputs.
/// </summary>
internal abstract class DisentangledSelfAttention : nn.Module
{
    protected DisentangledSelfAttention(string name)
        : base(name)
    {
    }

    /// <param name="hidden">(B, L, D) layer input.</param>
    /// <param name="blocked">(B, 1, L, L) bool, true where query i may not attend to key j.</param>
    /// <param name="relativePos">(1, L, L) int64 relative positions, or null without relative attention.</param>
    /// <param name="relEmbeddings">The relative-embedding table (2·span, D), or null without relative attention.</param>
    /// <param name="outputAttentions">Whether to return the attention probabilities.</param>
    /// <returns>The (B, L, H·d) context and, when asked, the (B, H, L, L) probabilities.</returns>
    public abstract (Tensor Context, Tensor? Probabilities) Forward(
        Tensor hidden, Tensor blocked, Tensor? relativePos, Tensor? relEmbeddings, bool outputAttentions);

    /// <summary>The score of a masked pair: finfo(float32).min, as transformers fills it (not −∞), so padded query rows softmax to uniform.</summary>
    protected const float MaskedScore = float.MinValue;

    /// <summary>√(d · scale factor) as a float32 scalar tensor, like transformers' <c>scaled_size_sqrt</c>.</summary>
    protected static Tensor ScaledSizeSqrt(long headSize, int scaleFactor, Device device) =>
        torch.sqrt(torch.tensor((float)headSize, ScalarType.Float32, device) * scaleFactor);
}
