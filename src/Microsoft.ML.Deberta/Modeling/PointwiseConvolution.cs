using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// The model's large per-token products (x·Wᵀ + b) computed as 1×1 convolutions over a channels-last view of the
/// input, because on x64 CPUs libtorch runs them about twice as fast that way.
/// </summary>
/// <remarks>
/// libtorch computes a float32 <c>linear</c>/<c>bmm</c> on the CPU with MKL's sgemm, which on AMD processors takes its
/// AVX2 path (≈ 215 GFLOP/s on 2 Zen 5 cores), whereas a float32 convolution goes to oneDNN, which uses AVX-512 there
/// (≈ 420 GFLOP/s for a 1024×768 by 768×3072 product; the backward pass gains as much). The arithmetic is the same:
/// float32 multiply-adds accumulated in float32; only the order of the summation differs, which moves a result by
/// float32 rounding (max ≈ 4e-6 relative for K = 768…3072 against float64, MKL ≈ 2e-6), as running the same PyTorch
/// model on another CPU does.
/// <para>
/// The N rows of x (…, K) are laid out in memory as an N-pixel-wide, 1-pixel-high channels-last image with K channels,
/// so the (1, K, 1, N) view needs no copy, and the (1, O, 1, N) channels-last result is again (…, O) in memory.
/// (Putting the rows in the batch dimension instead, (N, K, 1, 1), makes oneDNN pick a kernel 2× slower than MKL.)
/// libtorch itself sends small products (K·N ≤ 20480) and single-threaded 1×1 convolutions to its native convolution,
/// which is as fast as <c>linear</c> (and, for the small golden-test models, gives the same bits).
/// </para>
/// <para>
/// Other devices, other dtypes (bfloat16 <c>linear</c> already runs on oneDNN) and other architectures keep the plain
/// product; so does everything while <see cref="Enabled"/> is false.
/// </para>
/// </remarks>
internal static class PointwiseConvolution
{
    /// <summary>
    /// Whether products may take the convolution route. Off by default (see
    /// <see cref="DebertaComputeOptions.UseOneDnnForFloat32Products"/>, which sets it).
    /// </summary>
    internal static bool Enabled { get; set; }

    /// <summary><paramref name="layer"/>.forward(<paramref name="input"/>): (…, K) → (…, O).</summary>
    public static Tensor Linear(Linear layer, Tensor input) => Linear(input, layer.weight!, layer.bias);

    /// <summary><c>nn.functional.linear</c>: (…, K) · (O, K)ᵀ + (O) → (…, O).</summary>
    /// <remarks>
    /// An input of another dtype than the weight is rounded to the weight's first: a model converted for bfloat16
    /// inference (<see cref="DebertaPrecision.BFloat16"/>) keeps its residual stream in float32 and its products'
    /// weights in bfloat16, and the result then is bfloat16. Inside a <see cref="ProductAutocast"/> scope a float32
    /// weight and its bias are cast to bfloat16 first (differentiably: their gradients come back float32).
    /// </remarks>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias)
    {
        var computeType = ProductAutocast.ComputeType(weight);
        if (computeType != weight.dtype)
        {
            using var roundedWeight = weight.to_type(computeType);
            using var roundedBias = bias?.to_type(computeType);
            return Linear(input, roundedWeight, roundedBias);
        }
        if (input.dtype != weight.dtype)
        {
            using var rounded = input.to_type(weight.dtype);
            return Linear(rounded, weight, bias);
        }
        long inFeatures = input.shape[^1], outFeatures = weight.shape[0];
        if (!UsesConvolution(input, weight))
            return nn.functional.linear(input, weight, bias);
        using var scope = NewDisposeScope();
        var image = input.reshape(1, 1, -1, inFeatures).permute(0, 3, 1, 2);
        var output = nn.functional.conv2d(image, weight.reshape(outFeatures, inFeatures, 1, 1), bias);
        return output.permute(0, 2, 3, 1).reshape(OutputShape(input, outFeatures)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// G independent products in one call: input (…, G·K), each row cut into G groups of K; weights (G, O, K).
    /// Result (…, G, O) with result[…, g, o] = input[…, gK : (g + 1)K] · weights[g, o].
    /// </summary>
    public static Tensor GroupedLinear(Tensor input, Tensor weights)
    {
        long groups = weights.shape[0], outFeatures = weights.shape[1], inFeatures = weights.shape[2];
        using var scope = NewDisposeScope();
        Tensor output;
        if (UsesConvolution(input, weights))
        {
            var image = input.reshape(1, 1, -1, groups * inFeatures).permute(0, 3, 1, 2);
            output = nn.functional.conv2d(image, weights.reshape(groups * outFeatures, inFeatures, 1, 1), groups: groups);
            output = output.permute(0, 2, 3, 1).reshape(OutputShape(input, groups, outFeatures));
        }
        else
        {
            // (G, N, K) @ (G, K, O) → (G, N, O), returned as a (…, G, O) view.
            var byGroup = input.reshape(-1, groups, inFeatures).transpose(0, 1);
            output = torch.bmm(byGroup, weights.transpose(-1, -2)).transpose(0, 1).view(OutputShape(input, groups, outFeatures));
        }
        return output.MoveToOuterDisposeScope();
    }

    private static bool UsesConvolution(Tensor input, Tensor weight) =>
        Enabled
        && input.device_type == DeviceType.CPU
        && input.dtype == ScalarType.Float32
        && weight.dtype == ScalarType.Float32
        && input.numel() > 0
        && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    private static long[] OutputShape(Tensor input, params long[] last) => [.. input.shape[..^1], .. last];
}
