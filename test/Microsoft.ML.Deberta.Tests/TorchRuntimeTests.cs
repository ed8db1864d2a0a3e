using TorchSharp;

namespace Microsoft.ML.Deberta.Tests;

[TestClass]
public sealed class TorchRuntimeTests
{
    [TestMethod]
    public void LibTorchLoadsAndComputes()
    {
        using var a = torch.ones(2, 3);
        using var s = a.sum();
        Assert.AreEqual(6f, s.item<float>());
    }
}
