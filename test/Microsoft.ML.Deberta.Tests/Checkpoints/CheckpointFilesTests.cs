using System.Text.Json;
using Microsoft.ML.Deberta.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Checkpoints;

[TestClass]
public sealed class CheckpointFilesTests
{
    private static readonly string BaseHead = Path.Combine(TensorAssert.GoldenModels, "v1_rel_c2p_p2c", "base");
    private static readonly string MlmHead = Path.Combine(TensorAssert.GoldenModels, "v1_rel_c2p_p2c", "mlm");

    private static void Copy(string from, TemporaryDirectory to, string name) => File.Copy(from, to.File(name));

    private static string Index(Dictionary<string, string> weightMap) =>
        JsonSerializer.Serialize(new { metadata = new { total_size = 0 }, weight_map = weightMap });

    // Splits a state dict into two shards by key order and writes them with an index, as save_pretrained shards.
    private static Dictionary<string, string> WriteSafeTensorsShards(TemporaryDirectory dir, Dictionary<string, Tensor> tensors)
    {
        var keys = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var shards = new[] { "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors" };
        var map = keys.ToDictionary(k => k, k => shards[keys.IndexOf(k) < keys.Count / 2 ? 0 : 1]);
        foreach (var shard in shards)
            SafeTensorsFile.Write(dir.File(shard), tensors.Where(kv => map[kv.Key] == shard).ToDictionary(), new Dictionary<string, string> { ["format"] = "pt" });
        dir.Write(CheckpointFiles.SafeTensorsIndexFileName, Index(map));
        return map;
    }

    [TestMethod]
    public void ReadsEachFormatAndPrefersSafetensors()
    {
        using var scope = torch.NewDisposeScope();
        var reference = SafeTensorsFile.Read(Path.Combine(MlmHead, "model.safetensors"));
        using var dir = new TemporaryDirectory();

        // pytorch_model.bin alone: the bin's keys, tied decoder included.
        Copy(Path.Combine(MlmHead, "pytorch_model.bin"), dir, CheckpointFiles.PyTorchFileName);
        CollectionAssert.AreEqual(new[] { "pytorch_model.bin" }, CheckpointFiles.ListWeightFiles(dir.Path).ToList());
        var fromBin = CheckpointFiles.ReadStateDict(dir.Path);
        Assert.IsTrue(fromBin.ContainsKey("cls.predictions.decoder.weight"));

        // A sharded safetensors checkpoint beats the bin and reads back the same tensors.
        WriteSafeTensorsShards(dir, reference);
        CollectionAssert.AreEqual(new[] { "model.safetensors.index.json", "pytorch_model.bin" }, CheckpointFiles.ListWeightFiles(dir.Path).ToList());
        var fromShards = CheckpointFiles.ReadStateDict(dir.Path);
        CollectionAssert.AreEquivalent(reference.Keys.ToList(), fromShards.Keys.ToList());
        foreach (var (name, t) in reference) TensorAssert.BitEqual(t, fromShards[name], name);

        // model.safetensors beats both.
        Copy(Path.Combine(BaseHead, "model.safetensors"), dir, CheckpointFiles.SafeTensorsFileName);
        CollectionAssert.AreEqual(new[] { "model.safetensors", "model.safetensors.index.json", "pytorch_model.bin" }, CheckpointFiles.ListWeightFiles(dir.Path).ToList());
        var fromSingle = CheckpointFiles.ReadStateDict(dir.Path);
        Assert.IsTrue(fromSingle.ContainsKey("embeddings.word_embeddings.weight"), "read the base head's model.safetensors");
        Assert.AreEqual(36, fromSingle.Count);
    }

    [TestMethod]
    public void ReadsShardedPyTorchCheckpoints()
    {
        using var scope = torch.NewDisposeScope();
        var reference = PyTorchBinFile.Read(Path.Combine(MlmHead, "pytorch_model.bin"));
        using var dir = new TemporaryDirectory();
        var keys = reference.Keys.Order(StringComparer.Ordinal).ToList();
        var map = new Dictionary<string, string>();
        for (int s = 0; s < 2; s++)
        {
            var shard = $"pytorch_model-0000{s + 1}-of-00002.bin";
            var archive = new TorchSaveArchive();
            foreach (var key in keys.Where((_, i) => i % 2 == s))
            {
                var t = reference[key];
                Assert.AreEqual(ScalarType.Float32, t.dtype);
                archive.Add(key, "FloatStorage", t.bytes.ToArray(), 4, t.shape);
                map[key] = shard;
            }
            dir.Write(shard, archive.ToBytes());
        }
        dir.Write(CheckpointFiles.PyTorchIndexFileName, Index(map));
        var read = CheckpointFiles.ReadStateDict(dir.Path);
        CollectionAssert.AreEquivalent(keys, read.Keys.ToList());
        foreach (var (name, t) in reference) TensorAssert.BitEqual(t, read[name], name);
    }

    [TestMethod]
    public void MissingFolderIsReported()
    {
        var missing = Path.Combine(Path.GetTempPath(), "deberta-no-such-folder-" + Guid.NewGuid().ToString("N"));
        var e = Assert.ThrowsExactly<DirectoryNotFoundException>(() => CheckpointFiles.ReadStateDict(missing));
        StringAssert.Contains(e.Message, missing);
        Assert.ThrowsExactly<DirectoryNotFoundException>(() => CheckpointFiles.ListWeightFiles(missing));
    }

    [TestMethod]
    public void FolderWithoutWeightsIsReported()
    {
        using var dir = new TemporaryDirectory();
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => CheckpointFiles.ReadStateDict(dir.Path));
        StringAssert.Contains(e.Message, dir.Path);
        StringAssert.Contains(e.Message, "empty");

        dir.Write("config.json", "{}");
        dir.Write("tf_model.h5", "x");
        e = Assert.ThrowsExactly<FileNotFoundException>(() => CheckpointFiles.ReadStateDict(dir.Path));
        StringAssert.Contains(e.Message, "config.json, tf_model.h5");
        StringAssert.Contains(e.Message, "TensorFlow");
    }

    private static void AssertShardError<TException>(Action<TemporaryDirectory, Dictionary<string, string>> spoil, params string[] expectedInMessage)
        where TException : Exception
    {
        using var scope = torch.NewDisposeScope();
        var tensors = SafeTensorsFile.Read(Path.Combine(BaseHead, "model.safetensors"));
        using var dir = new TemporaryDirectory();
        var map = WriteSafeTensorsShards(dir, tensors);
        spoil(dir, map);
        int before = scope.DisposablesCount;
        var e = Assert.ThrowsExactly<TException>(() => CheckpointFiles.ReadStateDict(dir.Path));
        foreach (var expected in expectedInMessage)
            StringAssert.Contains(e.Message, expected);
        Assert.AreEqual(before, scope.DisposablesCount, "no tensor is left behind");
    }

    [TestMethod]
    public void IndexPointingToAMissingShardIsReported() =>
        AssertShardError<FileNotFoundException>(
            (dir, map) => File.Delete(dir.File("model-00002-of-00002.safetensors")),
            "model.safetensors.index.json", "model-00002-of-00002.safetensors", "does not exist");

    [TestMethod]
    public void MalformedIndexIsReported()
    {
        AssertShardError<InvalidDataException>(
            (dir, map) => dir.Write(CheckpointFiles.SafeTensorsIndexFileName, "{\"weight_map\": {\"a\": "),
            "model.safetensors.index.json", "not valid JSON");
        AssertShardError<InvalidDataException>(
            (dir, map) => dir.Write(CheckpointFiles.SafeTensorsIndexFileName, "{\"metadata\": {}}"),
            "model.safetensors.index.json", "no 'weight_map'");
        AssertShardError<InvalidDataException>(
            (dir, map) => dir.Write(CheckpointFiles.SafeTensorsIndexFileName, Index(new() { ["a"] = "../model-00001-of-00002.safetensors" })),
            "'../model-00001-of-00002.safetensors'", "not a file name in its folder");
    }

    [TestMethod]
    public void ShardKeyMissingFromTheIndexIsReported() =>
        AssertShardError<InvalidDataException>((dir, map) =>
        {
            map.Remove("encoder.rel_embeddings.weight");
            dir.Write(CheckpointFiles.SafeTensorsIndexFileName, Index(map));
        }, "model-00002-of-00002.safetensors", "encoder.rel_embeddings.weight", "does not list");

    [TestMethod]
    public void IndexKeyMissingFromItsShardIsReported() =>
        AssertShardError<InvalidDataException>((dir, map) =>
        {
            map["encoder.layer.9.output.dense.weight"] = "model-00001-of-00002.safetensors";
            dir.Write(CheckpointFiles.SafeTensorsIndexFileName, Index(map));
        }, "model-00001-of-00002.safetensors", "encoder.layer.9.output.dense.weight", "does not hold");

    [TestMethod]
    public void KeyInAnotherShardThanTheIndexSaysIsReported() =>
        AssertShardError<InvalidDataException>((dir, map) =>
        {
            map["encoder.rel_embeddings.weight"] = "model-00001-of-00002.safetensors";
            dir.Write(CheckpointFiles.SafeTensorsIndexFileName, Index(map));
        }, "model-00002-of-00002.safetensors", "encoder.rel_embeddings.weight", "model-00001-of-00002.safetensors");

    [TestMethod]
    public void CorruptShardReleasesTheShardsAlreadyRead()
    {
        // Both shards pass the index check (their pickles and storage sizes are right), but the second shard's
        // storage entry cannot be opened, so the failure comes after the first shard's tensors exist.
        using var scope = torch.NewDisposeScope();
        using var dir = new TemporaryDirectory();
        var values = new byte[1024 * 4];
        var first = new TorchSaveArchive().Add("a", "FloatStorage", values, 4, [1024]);
        var second = new TorchSaveArchive().Add("b", "FloatStorage", values, 4, [1024]);
        dir.Write("pytorch_model-00001-of-00002.bin", first.ToBytes());
        var bytes = second.ToBytes();
        TorchSaveArchive.CorruptLocalHeader(bytes, "archive/data/0");
        dir.Write("pytorch_model-00002-of-00002.bin", bytes);
        dir.Write(CheckpointFiles.PyTorchIndexFileName, Index(new() { ["a"] = "pytorch_model-00001-of-00002.bin", ["b"] = "pytorch_model-00002-of-00002.bin" }));

        var e = Assert.ThrowsExactly<InvalidDataException>(() => CheckpointFiles.ReadStateDict(dir.Path));
        StringAssert.Contains(e.Message, "pytorch_model-00002-of-00002.bin");
        Assert.AreEqual(0, scope.DisposablesCount, "tensor 'a' of the first shard was disposed");
    }
}
