using Microsoft.ML.Deberta.Configuration;
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
}
