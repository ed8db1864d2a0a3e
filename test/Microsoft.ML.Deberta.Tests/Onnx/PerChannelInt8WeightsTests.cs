using Microsoft.ML.Deberta.Onnx;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// The int8 export's weight quantisation against onnxruntime.quantization's per-channel int8 rule (symmetric, ±127,
/// scale = absmax / 127, round half to even, zero point 0), worked by hand, and its round trip.
/// </summary>
[TestClass]
public sealed class PerChannelInt8WeightsTests
{
    [TestMethod]
    public void EachOutputChannelGetsAbsmaxOver127AndValuesInTransposedLayout()
    {
        // (out 2, in 4); channel 0's absmax is 1.27 → scale 0.01; channel 1's is 2.54 → scale 0.02.
        float[] weight = [0.5f, -1.27f, 0.3f, 0.004f, 2.54f, 0f, -0.1f, 1.0f];
        var q = PerChannelInt8Weights.Quantize(weight, outFeatures: 2, inFeatures: 4);

        Assert.AreEqual((float)(2 * 1.27f / 254.0), q.Scales[0]);
        Assert.AreEqual((float)(2 * 2.54f / 254.0), q.Scales[1]);
        // Row-major (in, out): [i, o] at i · 2 + o. 1.0 / 0.02 = 50; −0.1 / 0.02 = −5.
        CollectionAssert.AreEqual(new sbyte[] { 50, 127, -127, 0, 30, -5, 0, 50 }, q.Transposed);
    }

    [TestMethod]
    public void DequantisedWeightsAreWithinHalfAScaleOfTheOriginal()
    {
        const int outFeatures = 48, inFeatures = 37;
        var random = new Random(5);
        var weight = new float[outFeatures * inFeatures];
        for (int i = 0; i < weight.Length; i++)
            weight[i] = (float)((random.NextDouble() - 0.5) * 0.1);
        weight[3 * inFeatures + 7] = 0.9f;                        // an outlier widens its own channel's scale only
        Array.Clear(weight, 5 * inFeatures, inFeatures);          // an all-zero channel

        var q = PerChannelInt8Weights.Quantize(weight, outFeatures, inFeatures);

        for (int o = 0; o < outFeatures; o++)
        {
            float absMax = 0;
            for (int i = 0; i < inFeatures; i++)
            {
                float original = weight[o * inFeatures + i];
                absMax = Math.Max(absMax, Math.Abs(original));
                float error = Math.Abs(q.Dequantized(o, i) - original);
                // Half a step, plus float32 rounding of the product.
                Assert.IsLessThanOrEqualTo(q.Scales[o] / 2 * (1 + 1e-6f), error, $"channel {o}, input {i}: {original} → {q.Dequantized(o, i)}");
            }
            if (absMax > 0)
                Assert.AreEqual(127, Enumerable.Range(0, inFeatures).Max(i => Math.Abs((int)q.Transposed[i * outFeatures + o])), $"channel {o} uses the full range");
        }
        Assert.AreEqual(1f, q.Scales[5], "an all-zero channel gets scale 1, as onnxruntime gives it");
        Assert.IsGreaterThan(q.Scales[4] * 5, q.Scales[3], "the outlier's channel has a wider scale than its neighbours");
    }

    [TestMethod]
    public void NonFiniteWeightIsRefusedNamingTheChannel()
    {
        float[] weight = [0.1f, 0.2f, float.NaN, 0.4f];
        var error = Assert.ThrowsExactly<ArgumentException>(() => PerChannelInt8Weights.Quantize(weight, outFeatures: 2, inFeatures: 2));
        StringAssert.Contains(error.Message, "Output channel 1");
    }
}
