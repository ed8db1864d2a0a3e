using System.IO.Compression;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Tests.FakeModel;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// <c>DebertaModelIO.Load</c> unpacks a step's payload only after checking its entries: how many, how large each one
/// and all together (declared sizes, and the bytes actually inflated), how much they expand, and that no name repeats.
/// </summary>
[TestClass]
public sealed class PayloadLimitsTests
{
    private string _folder = "";

    [TestInitialize]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("deberta-payload-limits-tests-").FullName;

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private string SavedThenEdited(Action<ZipArchive> edit)
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 9);
        using var model = (IDisposable)TestModels.ClassificationPipeline(mlContext, new FakeTextTrainer()).Fit(data);
        var path = Path.Combine(_folder, $"edited-{Guid.NewGuid():N}.zip");
        DebertaModelIO.Save(mlContext, (ITransformer)model, data.Schema, path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
            edit(zip);
        return path;
    }

    private static InvalidDataException LoadError(string path, PayloadLimits? limits = null) =>
        Assert.ThrowsExactly<InvalidDataException>(() => DebertaModelIO.Load(new MLContext(1), path, out _, FakeTextScorerLoader.All, limits));

    private static void Add(ZipArchive zip, string name, byte[] content, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var stream = zip.CreateEntry(name, level).Open();
        stream.Write(content);
    }

    [TestMethod]
    public void ARepeatedEntryNameIsInvalidData()
    {
        var path = SavedThenEdited(zip => Add(zip, "Microsoft.ML.Deberta/step_000/transformer.json", "{}"u8.ToArray()));
        var e = LoadError(path);
        StringAssert.Contains(e.Message, "'Microsoft.ML.Deberta/step_000/transformer.json'");
        StringAssert.Contains(e.Message, "more than once");
    }

    [TestMethod]
    public void AnEntryThatInflatesFarBeyondItsCompressedSizeIsRefused()
    {
        // 64 MiB of zeros deflate to about 64 KiB: the shape of a zip bomb.
        var path = SavedThenEdited(zip => Add(zip, "Microsoft.ML.Deberta/step_000/model/padding.bin", new byte[64 << 20]));
        var e = LoadError(path);
        StringAssert.Contains(e.Message, "padding.bin");
        StringAssert.Contains(e.Message, "expands");
    }

    [TestMethod]
    public void TooManyEntriesAreRefused()
    {
        var path = SavedThenEdited(zip =>
        {
            for (int i = 0; i < 20; i++)
                Add(zip, $"Microsoft.ML.Deberta/step_000/extra/{i}.txt", [1]);
        });
        StringAssert.Contains(LoadError(path, new PayloadLimits { MaxEntries = 10 }).Message, "more than the 10 allowed");
        ((IDisposable)DebertaModelIO.Load(new MLContext(1), path, out _, FakeTextScorerLoader.All)).Dispose();
    }

    [TestMethod]
    public void EntriesLargerThanTheLimitsAreRefusedBeforeAnyIsWritten()
    {
        var path = SavedThenEdited(zip => Add(zip, "Microsoft.ML.Deberta/step_000/model/weights.bin", new byte[4096], CompressionLevel.NoCompression));
        StringAssert.Contains(LoadError(path, new PayloadLimits { MaxEntryBytes = 4000 }).Message, "weights.bin");
        StringAssert.Contains(LoadError(path, new PayloadLimits { MaxTotalBytes = 5000 }).Message, "more than the 5000 bytes allowed");
    }
}
