using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
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

    [TestMethod]
    public void AnEntryThatClaimsASmallSizeButInflatesFurtherIsCutOffAtItsClaim()
    {
        // 64 MiB of zeros whose headers claim 1,000 bytes: under the 1 MiB the expansion check starts at, so only
        // the copy, which stops at the claimed size, stands between it and the disk.
        const string name = "Microsoft.ML.Deberta/step_000/model/padding.bin";
        var path = SavedThenEdited(zip => Add(zip, name, new byte[64 << 20]));
        var bytes = File.ReadAllBytes(path);
        var nameBytes = Encoding.ASCII.GetBytes(name);
        int local = bytes.AsSpan().IndexOf(nameBytes);
        int central = local + 1 + bytes.AsSpan(local + 1).IndexOf(nameBytes);
        Assert.IsTrue(local >= 30 && central > local, "the entry's local and central headers");
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(local - 30 + 22), 1000);   // local header: uncompressed size
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(central - 46 + 24), 1000); // central directory: uncompressed size
        File.WriteAllBytes(path, bytes);

        var e = LoadError(path);
        StringAssert.Contains(e.Message, $"'{name}'");
        // .NET stops inflating at the claimed 1,000 bytes without a word; the entry's CRC-32 shows that more followed.
        StringAssert.Contains(e.Message, "does not match its checksum");
    }

    [TestMethod]
    public void AnEntryWithAnAbsolutePathIsRefusedAndNothingIsWrittenThere()
    {
        var target = Path.Combine(_folder, "escaped", $"evil-{Guid.NewGuid():N}.txt");
        var path = SavedThenEdited(zip => Add(zip, "Microsoft.ML.Deberta/step_000/" + target, [1]));
        StringAssert.Contains(LoadError(path).Message, "outside its folder");
        Assert.IsFalse(File.Exists(target), $"{target} was written");
    }

    [TestMethod]
    [DataRow("Microsoft.ML.Deberta/step_000/model/../../../evil.txt", DisplayName = "'..' from a subfolder")]
    [DataRow("Microsoft.ML.Deberta\\step_000\\..\\..\\evil.txt", DisplayName = "'..' with Windows separators")]
    public void AnEntryClimbingOutOfItsFolderIsRefused(string entry)
    {
        var path = SavedThenEdited(zip => Add(zip, entry, [1]));
        StringAssert.Contains(LoadError(path).Message, "outside its folder");
    }
}
