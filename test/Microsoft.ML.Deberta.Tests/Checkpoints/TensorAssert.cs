using TorchSharp;

namespace Microsoft.ML.Deberta.Tests.Checkpoints;

internal static class TensorAssert
{
    /// <summary>Same dtype, same shape, same bytes.</summary>
    public static void BitEqual(torch.Tensor expected, torch.Tensor actual, string name)
    {
        Assert.AreEqual(expected.dtype, actual.dtype, $"dtype of '{name}'");
        CollectionAssert.AreEqual(expected.shape, actual.shape, $"shape of '{name}'");
        using var e = expected.contiguous();
        using var a = actual.contiguous();
        Assert.IsTrue(e.bytes.SequenceEqual(a.bytes), $"bytes of '{name}' differ");
    }

    public static string GoldenModels => Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "models");
}
