using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Tests.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Checkpoints;

/// <summary>
/// Every JSON file of a downloaded model folder nested 100,000 levels deep is refused with an exception that names the
/// file, never a stack overflow (which would end the process) or a bare <see cref="System.Text.Json.JsonException"/>.
/// </summary>
[TestClass]
public sealed class DeepJsonNestingTests
{
    private static readonly string DeeplyNested = new('[', 100_000);

    [TestMethod]
    [DataRow("deberta-v1", "vocab.json", DisplayName = "vocab.json")]
    [DataRow("deberta-v1", "tokenizer_config.json", DisplayName = "tokenizer_config.json")]
    [DataRow("deberta-v1", "special_tokens_map.json", DisplayName = "special_tokens_map.json")]
    [DataRow("deberta-v1", "added_tokens.json", DisplayName = "added_tokens.json")]
    [DataRow("deberta-v1-tokenizer-json", "tokenizer.json", DisplayName = "tokenizer.json")]
    public void ADeeplyNestedTokenizerFileIsRefusedNamingIt(string referenceFolder, string file)
    {
        using var folder = new TemporaryFolder(GoldenData.Bundled("tokenizer", referenceFolder));
        folder.Write(file, DeeplyNested);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => DebertaTokenizerBase.FromFolder(folder.Path));
        StringAssert.Contains(e.Message, folder.PathOf(file));
        StringAssert.Contains(e.Message, "not valid JSON");
    }

    [TestMethod]
    public void ADeeplyNestedConfigIsRefusedNamingIt()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("config.json", System.Text.Encoding.UTF8.GetBytes(DeeplyNested));
        var e = Assert.ThrowsExactly<DebertaConfigException>(() => DebertaConfig.Load(path));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, "not valid JSON");
    }

    [TestMethod]
    [DataRow("model.safetensors.index.json", DisplayName = "model.safetensors.index.json")]
    [DataRow("pytorch_model.bin.index.json", DisplayName = "pytorch_model.bin.index.json")]
    public void ADeeplyNestedShardedIndexIsRefusedNamingIt(string name)
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write(name, System.Text.Encoding.UTF8.GetBytes("{\"weight_map\":" + DeeplyNested));
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ShardedCheckpointIndex.Read(path));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, "not valid JSON");
    }

    [TestMethod]
    public void ADeeplyNestedSafetensorsHeaderIsRefusedNamingTheFile() =>
        SafeTensorsFileTests.AssertRejected(SafeTensorsFileTests.File(DeeplyNested, []), "not valid JSON");
}
