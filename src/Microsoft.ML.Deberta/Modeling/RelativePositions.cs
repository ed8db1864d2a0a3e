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
        var ids = Positions(length, device);
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
        var ids = Positions(length, device);
        var rel = ids.unsqueeze(1) - ids.unsqueeze(0);
        if (bucketSize > 0 && maxPosition > 0)
            rel = LogBucket(rel, bucketSize, maxPosition).to_type(ScalarType.Int64);
        return rel.unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>transformers' <c>make_log_bucket_position</c>, op for op (float32 result).</summary>
    /// <summary>0 … <paramref name="length"/> − 1 as int64 (torch.arange), with every Scalar held (see TorchScalars).</summary>
    internal static Tensor Positions(long length, Device device)
    {
        using var end = length.ToScalar();
        return torch.arange(TorchScalars.Zero, end, TorchScalars.One, dtype: ScalarType.Int64, device: device);
    }

    public static Tensor LogBucket(Tensor relativePos, int bucketSize, int maxPosition)
    {
        using var scope = NewDisposeScope();
        var sign = torch.sign(relativePos);
        int mid = bucketSize / 2;
        using Scalar midScalar = mid.ToScalar(), minusMid = (-mid).ToScalar(), midMinusOne = (mid - 1).ToScalar();   // see TorchScalars
        var absPos = torch.where(
            relativePos.lt(midScalar).logical_and(relativePos.gt(minusMid)),
            torch.tensor((long)(mid - 1), ScalarType.Int64, relativePos.device),
            torch.abs(relativePos));
        // int64 / int is a true division giving float32 in torch; the denominator is a float32 scalar tensor.
        var denominator = torch.log(torch.tensor((float)((maxPosition - 1) / (double)mid), ScalarType.Float32, relativePos.device));
        var logPos = torch.ceil((torch.log(torch.div(absPos, midScalar)) / denominator).mul(midMinusOne)).add(midScalar, TorchScalars.One);
        var bucket = torch.where(absPos.le(midScalar), relativePos.type_as(logPos), logPos * sign);
        return bucket.MoveToOuterDisposeScope();
    }
}
