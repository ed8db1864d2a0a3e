using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>
/// The small relative-attention model and padded batches of the tests that compare two routes of one model through
/// the same inputs (first-token last layer, sliced layer passes): each test adds its version's options.
/// </summary>
internal static class SmallRelativeModels
{
    public const int Heads = 4;

    /// <summary>2 layers of 4 heads (hidden 32), c2p and p2c, 3 labels, no absolute positions, default dropout.</summary>
    public static DebertaConfig Config(DebertaVersion version) => new(version)
    {
        VocabSize = 60,
        HiddenSize = 32,
        NumHiddenLayers = 2,
        NumAttentionHeads = Heads,
        IntermediateSize = 48,
        MaxPositionEmbeddings = 64,
        TypeVocabSize = 0,
        PositionBiasedInput = false,
        RelativeAttention = true,
        PosAttType = ["c2p", "p2c"],
        NumLabels = 3,
    };

    /// <summary>
    /// <paramref name="rows"/> × <paramref name="length"/> ids cycling through 1…50, and a mask that pads each listed row
    /// after its number of tokens.
    /// </summary>
    public static (Tensor Ids, Tensor Mask) PaddedBatch(int rows, int length, params (int Row, int Tokens)[] padded)
    {
        var ids = torch.arange(rows * length, dtype: ScalarType.Int64).remainder(50).add(1).view(rows, length);
        var mask = torch.ones([rows, length], dtype: ScalarType.Int64);
        foreach (var (row, tokens) in padded)
            mask[row, TensorIndex.Slice(tokens)] = 0;
        return (ids, mask);
    }

    /// <summary>
    /// <see cref="Config(DebertaVersion)"/> in a named shape: "v1", "v1-talking-heads", "v2" (log buckets, shared
    /// attention key, normed relative table) or "v2-one-layer-conv" (one layer followed by the convolution).
    /// </summary>
    public static DebertaConfig Config(string shape)
    {
        var config = Config(shape.StartsWith("v1", StringComparison.Ordinal) ? DebertaVersion.V1 : DebertaVersion.V2);
        switch (shape)
        {
            case "v1":
                break;
            case "v1-talking-heads":
                config.TalkingHead = true;
                break;
            case "v2":
                config.PositionBuckets = 16;
                config.ShareAttKey = true;
                config.NormRelEbd = "layer_norm";
                break;
            case "v2-one-layer-conv":
                // The only layer is followed by the convolution, which reads every position: the whole layer runs.
                config.NumHiddenLayers = 1;
                config.ConvKernelSize = 3;
                config.ConvAct = ActivationFunction.Gelu;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(shape));
        }
        return config;
    }

    /// <summary>
    /// <paramref name="model"/> with every weight but the LayerNorms' ×8. Freshly initialised weights (std 0.02) attend
    /// almost uniformly, so every position's context is nearly the same and the logits could not tell one position from
    /// another: larger weights make attention, and the logits, sharp.
    /// </summary>
    public static DebertaForSequenceClassification Sharpened(DebertaForSequenceClassification model)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (!name.Contains("LayerNorm", StringComparison.Ordinal))
                parameter.mul_(8);
        }
        return model;
    }

    /// <summary>
    /// Asserts that two routes' logits agree: within 2e-6 of the logits' scale in float32 (a product over fewer rows may
    /// sum in another order: float32 rounding, far inside the 1e-5 parity bound), 1e-2 in bfloat16 (that order can move
    /// a product's rounding by one bfloat16 step, which LayerNorm and the head damp). Logs the difference.
    /// </summary>
    public static void AssertSameLogits(Tensor expected, Tensor actual, DebertaPrecision precision, string what, TestContext context)
    {
        double scale = expected.abs().max().item<float>();
        double bound = (precision == DebertaPrecision.Float32 ? 2e-6 : 1e-2) * scale;
        double difference = (actual - expected).abs().max().item<float>();
        context.WriteLine($"max |{what}| = {difference:E2}, logits up to {scale:F3}");
        Assert.IsLessThanOrEqualTo(bound, difference, $"max |{what}| = {difference:E2}");
    }
}
