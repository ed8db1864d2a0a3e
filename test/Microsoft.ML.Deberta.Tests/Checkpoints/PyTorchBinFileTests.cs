using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Deberta.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Checkpoints;

[TestClass]
public sealed class PyTorchBinFileTests
{
    private static readonly string Variant = Path.Combine(TensorAssert.GoldenModels, "v1_rel_c2p_p2c");

    // transformers ties the MLM decoder to the word embeddings (and the legacy decoder bias to the head's bias):
    // torch.save writes both names over one storage, save_pretrained's safetensors keeps one of them.
    // Key only in the bin → the key it is tied to.
    private static readonly Dictionary<string, Dictionary<string, string>> TiedKeysByHead = new()
    {
        ["mlm"] = new()
        {
            ["cls.predictions.decoder.weight"] = "deberta.embeddings.word_embeddings.weight",
            ["cls.predictions.decoder.bias"] = "cls.predictions.bias",
        },
        ["mlm_nonlegacy"] = new() { ["lm_predictions.lm_head.weight"] = "deberta.embeddings.word_embeddings.weight" },
    };

    [TestMethod]
    public void ReferenceBinFilesHoldTheSafetensorsTensorsExactly()
    {
        using var variant = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Variant, "variant.json")));
        var heads = Directory.GetDirectories(Variant).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.IsTrue(heads.Count >= 8, "every head of the reference variant is present");
        foreach (var head in heads)
        {
            using var scope = torch.NewDisposeScope();
            var bin = PyTorchBinFile.Read(Path.Combine(Variant, head!, "pytorch_model.bin"));
            var safetensors = SafeTensorsFile.Read(Path.Combine(Variant, head!, "model.safetensors"));

            // The bin is transformers' whole state dict, as variant.json lists it.
            var stateDictKeys = variant.RootElement.GetProperty("heads").GetProperty(head!).GetProperty("state_dict_keys")
                .EnumerateArray().Select(k => k.GetString()!).ToList();
            CollectionAssert.AreEquivalent(stateDictKeys, bin.Keys.ToList(), $"{head}: keys of pytorch_model.bin");

            foreach (var (name, tensor) in safetensors)
            {
                Assert.IsTrue(bin.ContainsKey(name), $"{head}: '{name}' is in model.safetensors but not in pytorch_model.bin");
                TensorAssert.BitEqual(tensor, bin[name], $"{head}/{name}");
            }

            var extra = bin.Keys.Except(safetensors.Keys).Order(StringComparer.Ordinal).ToList();
            var tied = TiedKeysByHead.GetValueOrDefault(head!) ?? [];
            Console.WriteLine($"{head}: pytorch_model.bin {bin.Count} tensors, model.safetensors {safetensors.Count}; only in the bin: " +
                (extra.Count == 0 ? "none" : string.Join(", ", extra.Select(k => $"{k} (= {tied.GetValueOrDefault(k, "?")})"))));
            CollectionAssert.AreEquivalent(tied.Keys.ToList(), extra, $"{head}: keys only pytorch_model.bin holds");
            foreach (var key in extra)
            {
                TensorAssert.BitEqual(safetensors[tied[key]], bin[key], $"{head}/{key} equals {tied[key]}");
                // They shared a storage in the file; here they are separate tensors.
                bin[key].add_(1);
                TensorAssert.BitEqual(safetensors[tied[key]], bin[tied[key]], $"{head}/{tied[key]} after changing {key}");
            }
        }
    }

    [TestMethod]
    public void StridedViewsOfSharedStoragesAreRebuilt()
    {
        var floats = new byte[12 * 4];
        for (int i = 0; i < 12; i++) BinaryPrimitives.WriteSingleLittleEndian(floats.AsSpan(4 * i), i);
        ushort[] halfBits = [0x3C00, 0xC000, 0x7BFF, 0x0001];
        var halves = new byte[8];
        for (int i = 0; i < 4; i++) BinaryPrimitives.WriteUInt16LittleEndian(halves.AsSpan(2 * i), halfBits[i]);
        var longs = new byte[24];
        long[] longValues = [-1, 0, 1L << 40];
        for (int i = 0; i < 3; i++) BinaryPrimitives.WriteInt64LittleEndian(longs.AsSpan(8 * i), longValues[i]);
        var bf16 = new byte[] { 0x80, 0x3F, 0x40, 0xC0 };  // 1, -3

        var archive = new TorchSaveArchive();
        archive.Storages.Add(new("0", "FloatStorage", 12, floats));
        archive.Views.Add(new("a", "0", 2, [2, 3], [1, 2]));     // a[i,j] = storage[2 + i + 2j]
        archive.Views.Add(new("t", "0", 0, [3, 2], [1, 3]));     // a transpose: t[i,j] = storage[i + 3j]
        archive.Views.Add(new("whole", "0", 0, [3, 4], [4, 1]));
        archive.Views.Add(new("scalar", "0", 11, [], []));
        archive.Views.Add(new("empty", "0", 0, [0, 5], [5, 1]));
        archive.Add("half", "HalfStorage", halves, 2, [2, 2]);
        archive.Add("long", "LongStorage", longs, 8, [3]);
        archive.Add("bf16", "BFloat16Storage", bf16, 2, [2]);
        archive.Add("bool", "BoolStorage", [1, 0, 1], 1, [3]);

        using var dir = new TemporaryDirectory();
        using var scope = torch.NewDisposeScope();
        var tensors = PyTorchBinFile.Read(dir.Write("views.bin", archive.ToBytes()));

        void AssertFloats(string name, long[] shape, Func<long, long, float> expected)
        {
            var t = tensors[name];
            Assert.AreEqual(ScalarType.Float32, t.dtype, name);
            CollectionAssert.AreEqual(shape, t.shape, name);
            Assert.IsTrue(t.is_contiguous(), name);
            for (long i = 0; i < shape[0]; i++)
                for (long j = 0; j < shape[1]; j++)
                    Assert.AreEqual(expected(i, j), t[i, j].item<float>(), $"{name}[{i},{j}]");
        }
        AssertFloats("a", [2, 3], (i, j) => 2 + i + 2 * j);
        AssertFloats("t", [3, 2], (i, j) => i + 3 * j);
        AssertFloats("whole", [3, 4], (i, j) => 4 * i + j);
        Assert.AreEqual(0, tensors["scalar"].dim());
        Assert.AreEqual(11f, tensors["scalar"].item<float>());
        CollectionAssert.AreEqual(new long[] { 0, 5 }, tensors["empty"].shape);

        Assert.AreEqual(ScalarType.Float16, tensors["half"].dtype);
        CollectionAssert.AreEqual(halves, tensors["half"].bytes.ToArray());
        Assert.AreEqual(ScalarType.Int64, tensors["long"].dtype);
        CollectionAssert.AreEqual(longValues, tensors["long"].data<long>().ToArray());
        Assert.AreEqual(ScalarType.BFloat16, tensors["bf16"].dtype);
        CollectionAssert.AreEqual(new[] { 1f, -3f }, tensors["bf16"].to(ScalarType.Float32).data<float>().ToArray());
        Assert.AreEqual(ScalarType.Bool, tensors["bool"].dtype);
        CollectionAssert.AreEqual(new[] { true, false, true }, tensors["bool"].data<bool>().ToArray());

        // Views of one storage come back independent.
        tensors["whole"].add_(100);
        Assert.AreEqual(2f, tensors["a"][0, 0].item<float>());
    }

    internal static InvalidDataException AssertRejected(byte[] file, params string[] expectedInMessage)
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("pytorch_model.bin", file);
        using var scope = torch.NewDisposeScope();
        var e = Assert.ThrowsExactly<InvalidDataException>(() => PyTorchBinFile.Read(path));
        StringAssert.Contains(e.Message, path, "the message names the file");
        Assert.IsTrue(expectedInMessage.Any(m => e.Message.Contains(m, StringComparison.Ordinal)),
            $"message '{e.Message}' should say one of: {string.Join(" | ", expectedInMessage)}");
        Assert.AreEqual(0, scope.DisposablesCount, "no tensor is left behind");
        return e;
    }

    internal static TorchSaveArchive OneTensor(long elements = 4) =>
        new TorchSaveArchive().Add("w", "FloatStorage", new byte[4 * elements], 4, [elements]);

    [TestMethod]
    public void FilesThatAreNotZipArchivesAreRejected()
    {
        AssertRejected([], "not the zip archive");
        AssertRejected(Encoding.UTF8.GetBytes("version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 1\n"), "not the zip archive");
        AssertRejected([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e], "legacy torch.save format");
    }

    [TestMethod]
    public void CorruptOrTruncatedZipArchivesAreRejected()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Variant, "base", "pytorch_model.bin"));
        foreach (int cut in new[] { 4, 100, bytes.Length / 2, bytes.Length - 30, bytes.Length - 1 })
            AssertRejected(bytes[..cut], "corrupt or truncated zip");
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        "PK\u0003\u0004"u8.CopyTo(garbage);
        AssertRejected(garbage, "corrupt or truncated zip");
    }

    [TestMethod]
    [DataRow("os", "system", DisplayName = "os.system")]
    [DataRow("builtins", "eval", DisplayName = "builtins.eval")]
    [DataRow("subprocess", "Popen", DisplayName = "subprocess.Popen")]
    [DataRow("torch.nn.modules.linear", "Linear", DisplayName = "a pickled module")]
    [DataRow("torch", "Tensor", DisplayName = "torch.Tensor")]
    public void DisallowedGlobalsAreRefused(string module, string name)
    {
        var archive = OneTensor();
        archive.Pickle = new PickleBuilder().Proto(2).Global(module, name).String("echo hacked").Op(0x85).Reduce().Stop().ToArray();
        var e = AssertRejected(archive.ToBytes(), $"'{module}.{name}'");
        StringAssert.Contains(e.Message, "Refusing");
    }

    [TestMethod]
    public void InstructionsOutsideTheStateDictSubsetAreRefused()
    {
        var archive = OneTensor();
        // INST imports and calls a class in one instruction (protocol 0).
        archive.Pickle = new PickleBuilder().Proto(2).Mark().Raw(Encoding.ASCII.GetBytes("ios\nsystem\n")).Stop().ToArray();
        AssertRejected(archive.ToBytes(), "instruction 0x69");
    }

    [TestMethod]
    public void StorageShorterThanTheViewIsRejected()
    {
        var archive = OneTensor(4);
        archive.Views[0] = new("w", "0", 0, [2, 3], [3, 1]);  // needs 6 elements of 4
        AssertRejected(archive.ToBytes(), "reaches storage element 6");
        archive.Views[0] = new("w", "0", 3, [2], [1]);         // offset 3 + 2 elements
        AssertRejected(archive.ToBytes(), "reaches storage element 5");
        archive.Views[0] = new("w", "0", 0, [2, 2], [1, 3]);   // strides reach element 4
        AssertRejected(archive.ToBytes(), "reaches storage element 5");
    }

    [TestMethod]
    public void StorageFileShorterThanDeclaredIsRejected()
    {
        var archive = OneTensor(4);
        archive.Storages[0] = archive.Storages[0] with { ElementCount = 8 };
        archive.Views[0] = new("w", "0", 0, [8], [1]);
        AssertRejected(archive.ToBytes(), "holds 16 bytes, but the pickle declares 8");
    }

    [TestMethod]
    public void MissingStorageIsRejected()
    {
        var archive = OneTensor();
        archive.OmittedStorages.Add("0");
        AssertRejected(archive.ToBytes(), "is missing 'archive/data/0'");
    }

    [TestMethod]
    public void BigEndianArchivesAreRejected()
    {
        var archive = OneTensor();
        archive.ByteOrder = "big";
        AssertRejected(archive.ToBytes(), "'big' byte order");
    }

    [TestMethod]
    public void ArchiveWithoutPickleIsRejected()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        using (var s = zip.CreateEntry("archive/version").Open())
            s.Write("3\n"u8);
        AssertRejected(buffer.ToArray(), "has no 'archive/data.pkl'");
    }

    [TestMethod]
    public void PicklesThatAreNotStateDictsAreRejected()
    {
        var archive = OneTensor();
        archive.Pickle = new PickleBuilder().Proto(2).EmptyList().Stop().ToArray();
        AssertRejected(archive.ToBytes(), "not a dict");

        // A training checkpoint: {"model": {...}}
        archive.Pickle = new PickleBuilder().Proto(2).EmptyDict().String("model").EmptyDict().SetItem().Stop().ToArray();
        AssertRejected(archive.ToBytes(), "is itself a dict");

        var valid = archive.BuildPickle();
        archive.Pickle = valid[..(valid.Length / 2)];
        AssertRejected(archive.ToBytes(), "truncated", "not a valid state-dict pickle");

        archive.Pickle = new PickleBuilder().Proto(2).Op((byte)'h').Op(5).Stop().ToArray();
        AssertRejected(archive.ToBytes(), "memo entry 5");

        // A negative stride: _rebuild_tensor_v2(storage, 0, (4,), (-1,), False, OrderedDict())
        archive.Pickle = new PickleBuilder().Proto(2).EmptyDict().String("w").Global("torch._utils", "_rebuild_tensor_v2").Mark()
            .Mark().String("storage").Global("torch", "FloatStorage").String("0").String("cpu").Int(4).Tuple().BinPersId()
            .Int(0).IntTuple([4]).IntTuple([-1]).False().Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Tuple().Reduce().SetItem().Stop().ToArray();
        AssertRejected(archive.ToBytes(), "stride");
    }

    [TestMethod]
    public void ACorruptStorageReleasesTheTensorsAlreadyRead()
    {
        var values = new byte[4096 * 4];
        for (int i = 0; i < 4096; i++) BinaryPrimitives.WriteSingleLittleEndian(values.AsSpan(4 * i), i % 7);
        var archive = new TorchSaveArchive()
            .Add("first", "FloatStorage", values, 4, [4096])
            .Add("second", "FloatStorage", values, 4, [4096]);
        var bytes = archive.ToBytes();
        TorchSaveArchive.CorruptLocalHeader(bytes, "archive/data/1");
        AssertRejected(bytes, "storage 'archive/data/1' cannot be read");
    }

    [TestMethod]
    public void CompressedStoragesAreRejected()
    {
        // torch.save writes every entry stored; a deflated storage's real size is only what its header claims.
        var archive = new TorchSaveArchive { StorageCompression = CompressionLevel.Optimal }.Add("w", "FloatStorage", new byte[4096], 4, [1024]);
        AssertRejected(archive.ToBytes(), "is compressed");
    }

    [TestMethod]
    public void StorageSizesBeyondTheFileAreRejected()
    {
        // The zip directory and the pickle agree on a 2 GB storage, but the file is a few hundred bytes long.
        const long claimed = 0x7FFF_0000;
        var archive = OneTensor(4);
        archive.Storages[0] = archive.Storages[0] with { ElementCount = claimed / 4 };
        archive.Views[0] = new("w", "0", 0, [claimed / 4], [1]);
        var bytes = archive.ToBytes();
        TorchSaveArchive.SetCentralDirectorySizes(bytes, "archive/data/0", (uint)claimed);
        AssertRejected(bytes, "more than the whole file");
    }

    [TestMethod]
    public void ViewsRepeatingAnElementBeyondTheFileAreRejected()
    {
        var archive = OneTensor(1);
        archive.Views[0] = new("w", "0", 0, [1L << 40], [0]);
        AssertRejected(archive.ToBytes(), "can describe");
        archive.Views[0] = new("w", "0", 0, [1L << 20, 1L << 20], [0, 0]);
        AssertRejected(archive.ToBytes(), "can describe");

        // Each view alone fits in the file; together they would take far more than it holds.
        archive.Views.Clear();
        for (int i = 0; i < 100; i++)
            archive.Views.Add(new($"w{i}", "0", 0, [200], [0]));
        AssertRejected(archive.ToBytes(), "can describe");
    }

    [TestMethod]
    public void StrideZeroViewsWithinTheFileLoad()
    {
        // Older checkpoints save position_ids as arange(n).expand(1, -1): stride 0 on the leading dimension.
        var floats = new byte[4 * 4];
        for (int i = 0; i < 4; i++) BinaryPrimitives.WriteSingleLittleEndian(floats.AsSpan(4 * i), i);
        var archive = new TorchSaveArchive();
        archive.Storages.Add(new("0", "FloatStorage", 4, floats));
        archive.Views.Add(new("position_ids", "0", 0, [1, 4], [0, 1]));
        archive.Views.Add(new("repeated", "0", 2, [6], [0]));
        using var dir = new TemporaryDirectory();
        using var scope = torch.NewDisposeScope();
        var tensors = PyTorchBinFile.Read(dir.Write("expanded.bin", archive.ToBytes()));
        CollectionAssert.AreEqual(new[] { 0f, 1f, 2f, 3f }, tensors["position_ids"].data<float>().ToArray());
        CollectionAssert.AreEqual(new long[] { 1, 4 }, tensors["position_ids"].shape);
        CollectionAssert.AreEqual(Enumerable.Repeat(2f, 6).ToArray(), tensors["repeated"].data<float>().ToArray());
    }
}
