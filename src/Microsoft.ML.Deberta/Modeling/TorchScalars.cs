using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// The Scalars the model code passes to libtorch, held so that none is freed during the call that reads it.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 turns a number passed to an op into a native Scalar that only its finalizer frees, and
/// <c>tensor + tensor</c> and <c>add_(tensor)</c> pass a temporary alpha of 1 the same way (subtraction and products of two tensors pass none). Once the
/// Scalar's handle is on its way to libtorch nothing references the managed object, so a garbage collection started by
/// another thread during the call can free it while libtorch reads it: under concurrent scoring that gave silently
/// different logits in about 1 forward pass of 100 ("Unknown scalar type" at best; ConcurrencyTests reproduces it).
/// So model code never lets TorchSharp make a temporary Scalar: sums use <see cref="Plus"/>/<see cref="PlusInPlace"/> with the process-lifetime <see cref="One"/>, constants are static fields here or fields of
/// their module, and values computed per call are <c>using var</c> locals (alive until the end of their scope).
/// </remarks>
internal static class TorchScalars
{
    /// <summary>1: the alpha of every sum, and the integer constant.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>0 (integer).</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>The score masked positions get before softmax (transformers 5.x: the dtype's minimum).</summary>
    public static readonly Scalar MaskedScore = float.MinValue.ToScalar();

    /// <summary>
    /// The score masked positions get in bfloat16 scores: bfloat16's minimum, −3.3895e38 (finfo(float32).min would
    /// round to −∞ there).
    /// </summary>
    public static readonly Scalar MaskedScoreBFloat16 = BitConverter.Int32BitsToSingle(unchecked((int)0xFF7F0000)).ToScalar();

    /// <summary><paramref name="a"/> + <paramref name="b"/>, as <c>a + b</c> computes it (alpha 1).</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><paramref name="a"/> += <paramref name="b"/>, as <c>a.add_(b)</c> computes it (alpha 1).</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);
}
