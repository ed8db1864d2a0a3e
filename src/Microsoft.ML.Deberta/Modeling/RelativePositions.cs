using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// Relative positions i − j between query i and key j, as the attention layers index them; for v2/v3 optionally
/// log-bucketed (transformers' <c>make_log_bucket_position</c>, computed in float32 like torch does).
/// </summary>
internal static class RelativePositions
{
    /// <summary>The (1, L, L) int64 matrix of i − j (v1; v2 without buckets).</summary>
    public static Tensor Build(long length, Device device)
    {
        using var scope = NewDisposeScope();
        var ids = torch.arange(length, dtype: ScalarType.Int64, device: device);
        var rel = ids.unsqueeze(1) - ids.view(1, -1).repeat(length, 1);
        return rel.unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The (1, L, L) int64 matrix of bucketed i − j (v2): distances up to <paramref name="bucketSize"/>/2 keep their
    /// value, larger ones are compressed logarithmically towards <paramref name="maxPosition"/>.
    /// Without buckets (either argument ≤ 0) this is <see cref="Build"/>.
    /// </summary>
    public static Tensor BuildBucketed(long length, int bucketSize, int maxPosition, Device device)
    {
        using var scope = NewDisposeScope();
        var ids = torch.arange(length, dtype: ScalarType.Int64, device: device);
        var rel = ids.unsqueeze(1) - ids.unsqueeze(0);
        if (bucketSize > 0 && maxPosition > 0)
            rel = LogBucket(rel, bucketSize, maxPosition).to_type(ScalarType.Int64);
        return rel.unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>transformers' <c>make_log_bucket_position</c>, op for op (float32 result).</summary>
    public static Tensor LogBucket(Tensor relativePos, int bucketSize, int maxPosition)
    {
        using var scope = NewDisposeScope();
        var sign = torch.sign(relativePos);
        int mid = bucketSize / 2;
        var absPos = torch.where(
            (relativePos < mid).logical_and(relativePos > -mid),
            torch.tensor((long)(mid - 1), ScalarType.Int64, relativePos.device),
            torch.abs(relativePos));
        // int64 / int is a true division giving float32 in torch; the denominator is a float32 scalar tensor.
        var denominator = torch.log(torch.tensor((float)((maxPosition - 1) / (double)mid), ScalarType.Float32, relativePos.device));
        var logPos = torch.ceil(torch.log(torch.div(absPos, mid)) / denominator * (mid - 1)) + mid;
        var bucket = torch.where(absPos <= mid, relativePos.type_as(logPos), logPos * sign);
        return bucket.MoveToOuterDisposeScope();
    }
}
