using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;

namespace Microsoft.ML.Deberta.Tests.Checkpoints;

/// <summary>
/// The limits on what a weight file makes the loader read whole into memory — a safetensors header, a
/// <c>pytorch_model.bin</c> pickle — are set through <see cref="CheckpointLoadOptions"/>: exactly the limit passes,
/// one byte less is refused naming the option to change.
/// </summary>
[TestClass]
public sealed class CheckpointFileLimitsTests
{
    private static readonly string Base = Path.Combine(TensorAssert.GoldenModels, "v1_rel_c2p_p2c", "base");

    // A copy of the reference checkpoint holding only config.json and the one weight file.
    private static TemporaryDirectory FolderWith(string weightFile)
    {
        var dir = new TemporaryDirectory();
        File.Copy(Path.Combine(Base, "config.json"), dir.File("config.json"));
        File.Copy(Path.Combine(Base, weightFile), dir.File(weightFile));
        return dir;
    }

    private static void AssertLoads(string folder, CheckpointLoadOptions options)
    {
        using var scope = torch.NewDisposeScope();
        using var model = DebertaCheckpoint.Load<DebertaModel>(folder, options);
    }

    private static void AssertRefused(string folder, CheckpointLoadOptions options, string setting, long limit)
    {
        using var scope = torch.NewDisposeScope();
        var e = Assert.ThrowsExactly<InvalidDataException>(() => DebertaCheckpoint.Load<DebertaModel>(folder, options));
        StringAssert.Contains(e.Message, folder);
        StringAssert.Contains(e.Message, $"the limit of {limit}");
        StringAssert.Contains(e.Message, $"CheckpointLoadOptions.{setting}");
    }

    [TestMethod]
    public void TheDefaultsAreTheDocumentedLimits()
    {
        var options = new CheckpointLoadOptions();
        Assert.AreEqual(100_000_000L, options.MaxSafetensorsHeaderBytes, "the reference implementation's MAX_HEADER_SIZE");
        Assert.AreEqual(256L * 1024 * 1024, options.MaxPickleBytes);
    }

    [TestMethod]
    public void TheSafetensorsHeaderLimitIsTheOptionsValue()
    {
        using var dir = FolderWith("model.safetensors");
        long header = (long)BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(dir.File("model.safetensors")).AsSpan(0, 8));
        AssertLoads(dir.Path, new CheckpointLoadOptions { MaxSafetensorsHeaderBytes = header });
        AssertRefused(dir.Path, new CheckpointLoadOptions { MaxSafetensorsHeaderBytes = header - 1 }, "MaxSafetensorsHeaderBytes", header - 1);
    }

    [TestMethod]
    public void ThePickleLimitIsTheOptionsValue()
    {
        using var dir = FolderWith("pytorch_model.bin");
        long pickle;
        using (var zip = ZipFile.OpenRead(dir.File("pytorch_model.bin")))
            pickle = zip.Entries.Single(e => e.Name == "data.pkl").Length;
        AssertLoads(dir.Path, new CheckpointLoadOptions { MaxPickleBytes = pickle });
        AssertRefused(dir.Path, new CheckpointLoadOptions { MaxPickleBytes = pickle - 1 }, "MaxPickleBytes", pickle - 1);
    }

    [TestMethod]
    [DataRow(0L)]
    [DataRow(-1L)]
    public void ALimitThatIsNotPositiveIsRefused(long value)
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CheckpointLoadOptions { MaxSafetensorsHeaderBytes = value });
        Assert.AreEqual("MaxSafetensorsHeaderBytes", e.ParamName);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CheckpointLoadOptions { MaxPickleBytes = value });
        Assert.AreEqual("MaxPickleBytes", e.ParamName);
    }

    [TestMethod]
    public void AShardedIndexOverItsLimitIsRefusedBeforeItIsRead()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("model.safetensors.index.json");
        // Sparse: the length is what the limit looks at, and the bytes are never read.
        using (var file = File.Create(path))
            file.SetLength((64L << 20) + 1);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ShardedCheckpointIndex.Read(path));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, $"the limit of {64L << 20} bytes");
    }
}
