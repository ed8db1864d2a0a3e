using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>
/// One tensor of a <c>torch.save</c> state dict as its pickle describes it: a strided view into a storage that is
/// kept as a separate file (<c>data/&lt;key&gt;</c>) of the zip archive.
/// </summary>
/// <param name="Name">The state-dict key.</param>
/// <param name="StorageKey">The storage's file name under <c>data/</c>.</param>
/// <param name="DType">The storage's element type.</param>
/// <param name="StorageElementCount">How many elements the pickle says the storage holds.</param>
/// <param name="StorageOffset">Index of the view's first element within the storage.</param>
/// <param name="Size">The view's shape.</param>
/// <param name="Stride">The view's strides, in elements.</param>
internal sealed record PickledTensor(
    string Name, string StorageKey, ScalarType DType, long StorageElementCount, long StorageOffset, long[] Size, long[] Stride)
{
    /// <summary>The number of elements of the view.</summary>
    public long ElementCount => Size.Aggregate(1L, (a, b) => checked(a * b));

    /// <summary>
    /// How many storage elements the view reaches (one past its last element), or 0 for an empty view.
    /// </summary>
    public long StorageExtent()
    {
        if (Size.Any(s => s == 0)) return 0;
        long last = StorageOffset;
        for (int i = 0; i < Size.Length; i++)
            last = checked(last + (Size[i] - 1) * Stride[i]);
        return checked(last + 1);
    }

    /// <summary>Whether the view is the row-major layout of its shape (what a fresh tensor of that shape has).</summary>
    public bool IsRowMajor()
    {
        long expected = 1;
        for (int i = Size.Length - 1; i >= 0; i--)
        {
            if (Size[i] != 1 && Stride[i] != expected) return false;
            expected *= Size[i];
        }
        return true;
    }
}
