using static Microsoft.ML.Deberta.Onnx.OnnxGraphBuilder;

namespace Microsoft.ML.Deberta.Onnx;

/// <summary>
/// In-graph relative positions and the gather indices of the disentangled attention, computed from the dynamic
/// sequence length (Range/Unsqueeze/Sub, then v2's log buckets with Log/Div/Mul/Ceil/Sign/Abs/Where), as
/// transformers' build_relative_position and make_log_bucket_position do.
/// </summary>
internal static class RelativePositionGraph
{
    /// <summary>rel[i, j] = i − j, an (L, L) int64 tensor; <paramref name="length"/> is the scalar L.</summary>
    public static string Build(OnnxGraphBuilder g, string length)
    {
        var ids = g.Op("Range", [g.Int64s([], 0), length, g.Int64s([], 1)]);
        return g.Op("Sub", [g.Op("Unsqueeze", [ids, g.Vector(1)]), g.Op("Unsqueeze", [ids, g.Vector(0)])]);
    }

    /// <summary>v2's log-bucketed positions (int64), mirroring make_log_bucket_position in float32.</summary>
    public static string LogBucket(OnnxGraphBuilder g, string rel, int bucketSize, int maxPosition)
    {
        int mid = bucketSize / 2;
        var relFloat = g.Op("Cast", [rel], Int("to", 1));
        var sign = g.Op("Sign", [relFloat]);
        var near = g.Op("And", [g.Op("Less", [rel, g.Int64s([], mid)]), g.Op("Greater", [rel, g.Int64s([], -mid)])]);
        var absPos = g.Op("Where", [near, g.Int64s([], mid - 1), g.Op("Abs", [rel])]);
        var ratio = g.Op("Div", [g.Op("Cast", [absPos], Int("to", 1)), g.Scalar(mid)]);
        var denominator = g.Op("Log", [g.Scalar((float)((maxPosition - 1) / (double)mid))]);
        var scaled = g.Op("Mul", [g.Op("Div", [g.Op("Log", [ratio]), denominator]), g.Scalar(mid - 1)]);
        var logPos = g.Op("Add", [g.Op("Ceil", [scaled]), g.Scalar(mid)]);
        var bucket = g.Op("Where", [g.Op("LessOrEqual", [absPos, g.Int64s([], mid)]), relFloat, g.Op("Mul", [logPos, sign])]);
        return g.Op("Cast", [bucket], Int("to", 7));
    }

    /// <summary>clamp(±rel + span, 0, 2·span − 1): the c2p (sign +1) or p2c (sign −1) gather index into the 2·span rows.</summary>
    public static string GatherIndex(OnnxGraphBuilder g, string rel, string span, bool negate)
    {
        var shifted = g.Op("Add", [negate ? g.Op("Neg", [rel]) : rel, span]);
        var last = g.Op("Sub", [g.Op("Mul", [span, g.Int64s([], 2)]), g.Int64s([], 1)]);
        return g.Op("Max", [g.Op("Min", [shifted, last]), g.Int64s([], 0)]);
    }
}
