using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests;

internal static class TensorComparison
{
    /// <summary>Same shape and bit-for-bit the same values (TorchSharp's <c>equal</c> is elementwise).</summary>
    public static bool Identical(this Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dtype != b.dtype) return false;
        using var eq = a.eq(b);
        using var all = eq.all();
        return all.item<bool>();
    }
}
