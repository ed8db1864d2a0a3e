using Microsoft.ML.Deberta.Checkpoints;

namespace Microsoft.ML.Deberta.Tests;

[TestClass]
public sealed class SafeTensorsSmokeTests
{
    [TestMethod]
    public void ReadsGoldenCheckpointAndRoundTrips()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "models", "v1_rel_c2p_p2c", "base", "model.safetensors");
        var tensors = SafeTensorsFile.Read(path);
        Assert.AreEqual(36, tensors.Count);
        var copy = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".safetensors");
        try
        {
            SafeTensorsFile.Write(copy, tensors, new Dictionary<string, string> { ["format"] = "pt" });
            var again = SafeTensorsFile.Read(copy);
            foreach (var (name, t) in tensors)
                Assert.IsTrue(t.dtype == again[name].dtype && t.shape.SequenceEqual(again[name].shape) && t.eq(again[name]).all().item<bool>(), name);
        }
        finally { File.Delete(copy); }
    }
}
