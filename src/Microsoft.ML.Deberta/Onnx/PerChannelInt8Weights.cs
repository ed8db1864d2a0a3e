namespace Microsoft.ML.Deberta.Onnx;

/// <summary>
/// A linear layer's weight quantised to int8 per output channel, laid out (in, out) for <c>MatMulInteger</c>, with the
/// float32 scale of each output channel; zero points are 0. The arithmetic is onnxruntime.quantization's for int8
/// weights (<c>quantize_dynamic(per_channel=True)</c>: symmetric, range ±127, no reduced range): per output channel
/// absmax = max |w| (0 included), scale = float32(2·absmax / 254) computed in float64 (1 when below float32's smallest normal),
/// q = clip(round-half-even(w / scale), −127, 127) with the division in float32.
/// </summary>
internal sealed class PerChannelInt8Weights
{
    private const int QuantizedMax = 127;
    private const double SmallestNormal = 1.17549435e-38;

    private PerChannelInt8Weights(sbyte[] transposed, float[] scales, int inFeatures)
    {
        Transposed = transposed;
        Scales = scales;
        InFeatures = inFeatures;
    }

    /// <summary>The quantised weight, row-major (in, out): entry [i, o] is output channel o's weight for input i.</summary>
    public sbyte[] Transposed { get; }

    /// <summary>One scale per output channel: weight[o, i] ≈ Scales[o] · Transposed[i, o].</summary>
    public float[] Scales { get; }

    public int InFeatures { get; }

    public int OutFeatures => Scales.Length;

    /// <summary>Quantises a row-major (out, in) float32 weight, the layout of a torch <c>Linear</c>.</summary>
    public static PerChannelInt8Weights Quantize(ReadOnlySpan<float> weight, int outFeatures, int inFeatures)
    {
        if (outFeatures <= 0 || inFeatures <= 0 || weight.Length != (long)outFeatures * inFeatures)
            throw new ArgumentException($"A ({outFeatures}, {inFeatures}) weight needs {(long)outFeatures * inFeatures} values, not {weight.Length}.", nameof(weight));
        var transposed = new sbyte[weight.Length];
        var scales = new float[outFeatures];
        for (int o = 0; o < outFeatures; o++)
        {
            var row = weight.Slice(o * inFeatures, inFeatures);
            float absMax = 0;
            foreach (float w in row)
            {
                if (!float.IsFinite(w))
                    throw new ArgumentException($"Output channel {o} of the weight holds {w}; only finite weights can be quantised.", nameof(weight));
                absMax = Math.Max(absMax, Math.Abs(w));
            }
            double exact = 2.0 * absMax / (2 * QuantizedMax);
            // onnxruntime's compute_scale_zp: a range below float32's smallest normal number gets scale 1.
            float scale = exact < SmallestNormal ? 1f : (float)exact;
            scales[o] = scale;
            for (int i = 0; i < inFeatures; i++)
            {
                float q = MathF.Round(row[i] / scale, MidpointRounding.ToEven);
                transposed[i * outFeatures + o] = (sbyte)Math.Clamp(q, -QuantizedMax, QuantizedMax);
            }
        }
        return new PerChannelInt8Weights(transposed, scales, inFeatures);
    }

    /// <summary>Weight [o, i] rebuilt from the int8 value and its channel's scale.</summary>
    public float Dequantized(int outFeature, int inFeature) => Scales[outFeature] * Transposed[inFeature * OutFeatures + outFeature];
}
