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
        int length = 0;
        foreach (int index in indices)
            length = Math.Max(length, examples[index].InputIds.Length);
        int[] rows = indices.ToArray();
        return Build(rows.Length, length, padId, device, (r, ids, mask, types) =>
        {
            var example = examples[rows[r]];
            for (int t = 0; t < example.InputIds.Length; t++)
            {
                ids[t] = example.InputIds[t];
                mask[t] = 1;
                types[t] = example.TokenTypeIds[t];
            }
        });
    }

    /// <summary>Writes one row's values; the spans are the row's slices, already padded (pad id, 0, 0).</summary>
    internal delegate void RowWriter(int row, Span<long> ids, Span<long> mask, Span<long> types);

    /// <summary>Builds a (rows, length) batch whose rows <paramref name="write"/> fills over the padding.</summary>
    internal static PaddedBatch Build(int rows, int length, long padId, Device device, RowWriter write)
    {
        var ids = new long[rows * length];
        var mask = new long[rows * length];
        var types = new long[rows * length];
        if (padId != 0)
            Array.Fill(ids, padId);
        for (int r = 0; r < rows; r++)
            write(r, ids.AsSpan(r * length, length), mask.AsSpan(r * length, length), types.AsSpan(r * length, length));
        long[] shape = [rows, length];
        return new PaddedBatch(
            torch.tensor(ids, shape, device: device),
            torch.tensor(mask, shape, device: device),
            torch.tensor(types, shape, device: device));
    }
}
