using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// The int64 model inputs of a batch of examples, right-padded to the longest example of the batch (pad id, attention
/// 0, token type 0). The tensors belong to the caller's dispose scope.
/// </summary>
internal sealed record PaddedBatch(Tensor InputIds, Tensor AttentionMask, Tensor TokenTypeIds)
{
    /// <summary>Builds the batch of the examples at <paramref name="indices"/>, in that order.</summary>
    public static PaddedBatch Build(IReadOnlyList<EncodedExample> examples, ReadOnlySpan<int> indices, long padId, Device device)
    {
        int rows = indices.Length, length = 0;
        foreach (int index in indices)
            length = Math.Max(length, examples[index].InputIds.Length);
        var ids = new long[rows * length];
        var mask = new long[rows * length];
        var types = new long[rows * length];
        if (padId != 0)
            Array.Fill(ids, padId);
        for (int r = 0; r < rows; r++)
        {
            var example = examples[indices[r]];
            int offset = r * length;
            for (int t = 0; t < example.InputIds.Length; t++)
            {
                ids[offset + t] = example.InputIds[t];
                mask[offset + t] = 1;
                types[offset + t] = example.TokenTypeIds[t];
            }
        }
        long[] shape = [rows, length];
        return new PaddedBatch(
            torch.tensor(ids, shape, device: device),
            torch.tensor(mask, shape, device: device),
            torch.tensor(types, shape, device: device));
    }
}
