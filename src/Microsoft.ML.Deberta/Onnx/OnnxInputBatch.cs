using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Deberta.Onnx;

/// <summary>Rows of ids, mask and token types padded into (B, L) int64 buffers for ONNX Runtime.</summary>
internal sealed class OnnxInputBatch
{
    private OnnxInputBatch(int rows, int length)
    {
        Rows = rows;
        Length = length;
        InputIds = new long[rows * length];
        AttentionMask = new long[rows * length];
        TokenTypeIds = new long[rows * length];
    }

    public int Rows { get; }

    public int Length { get; }

    public long[] InputIds { get; }

    public long[] AttentionMask { get; }

    public long[] TokenTypeIds { get; }

    /// <summary>An ORT tensor over one of the buffers (no copy; dispose it after the run).</summary>
    public OrtValue Tensor(long[] buffer) => OrtValue.CreateTensorValueFromMemory(buffer, [Rows, Length]);

    public static OnnxInputBatch Pad(
        IReadOnlyList<IReadOnlyList<int>> inputIds,
        IReadOnlyList<IReadOnlyList<int>>? attentionMask,
        IReadOnlyList<IReadOnlyList<int>>? tokenTypeIds,
        int padTokenId)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (inputIds.Count == 0)
            throw new ArgumentException("Give at least one row of input ids.", nameof(inputIds));
        CheckRows(inputIds, attentionMask, nameof(attentionMask));
        CheckRows(inputIds, tokenTypeIds, nameof(tokenTypeIds));
        for (int r = 0; r < inputIds.Count; r++)
        {
            if (inputIds[r] is null || inputIds[r].Count == 0)
                throw new ArgumentException($"Row {r} of the input ids is empty; every row needs at least one token.", nameof(inputIds));
        }

        var batch = new OnnxInputBatch(inputIds.Count, inputIds.Max(row => row.Count));
        Array.Fill(batch.InputIds, padTokenId);
        for (int r = 0; r < inputIds.Count; r++)
        {
            int offset = r * batch.Length;
            for (int t = 0; t < inputIds[r].Count; t++)
            {
                batch.InputIds[offset + t] = inputIds[r][t];
                batch.AttentionMask[offset + t] = attentionMask is null ? 1 : attentionMask[r][t];
                batch.TokenTypeIds[offset + t] = tokenTypeIds is null ? 0 : tokenTypeIds[r][t];
            }
        }
        return batch;
    }

    private static void CheckRows(IReadOnlyList<IReadOnlyList<int>> ids, IReadOnlyList<IReadOnlyList<int>>? other, string name)
    {
        if (other is null)
            return;
        if (other.Count != ids.Count)
            throw new ArgumentException($"{name} has {other.Count} rows but input ids have {ids.Count}.", name);
        for (int r = 0; r < ids.Count; r++)
        {
            if (other[r] is null || other[r].Count != ids[r]?.Count)
                throw new ArgumentException($"Row {r} of {name} has {other[r]?.Count ?? 0} values but its input ids have {ids[r]?.Count ?? 0}.", name);
        }
    }
}
