using System.Text.Json.Nodes;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>A tokenizer.json that a DeBERTa v2/v3 tokenizer cannot honour is refused with a message naming what it holds.</summary>
[TestClass]
public sealed class TokenizerJsonBadInputTests
{
    private static string JsonFolder => GoldenData.Bundled("tokenizer", "deberta-v3-tokenizer-json");

    [TestMethod]
    public void ABpeModelWhereUnigramIsExpectedIsNamed()
    {
        // v1's BPE tokenizer.json in a folder whose tokenizer_config.json names the v2 tokenizer.
        using var folder = new TemporaryFolder(GoldenData.Bundled("tokenizer", "deberta-v1-tokenizer-json"));
        folder.Write("tokenizer_config.json", """{"tokenizer_class": "DebertaV2Tokenizer"}""");
        var e = Assert.ThrowsExactly<NotSupportedException>(() => DebertaTokenizerBase.FromFolder(folder.Path));
        StringAssert.Contains(e.Message, "its model is BPE");
        StringAssert.Contains(e.Message, "tokenizer.json");
    }

    [TestMethod]
    [DataRow("normalizer", """{"type":"BertNormalizer","clean_text":true}""", "BertNormalizer")]
    [DataRow("normalizer", """{"type":"Replace","pattern":{"String":"``"},"content":"\""}""", "Replace(\"``\"")]
    [DataRow("pre_tokenizer", """{"type":"ByteLevel","add_prefix_space":false}""", "ByteLevel")]
    [DataRow("pre_tokenizer", """{"type":"Metaspace","replacement":"_","prepend_scheme":"always","split":true}""", "replacement is \"_\"")]
    [DataRow("post_processor", """{"type":"RobertaProcessing"}""", "RobertaProcessing")]
    public void AComponentWeCannotHonourIsNamed(string component, string replacement, string named)
    {
        using var folder = new TemporaryFolder(JsonFolder);
        JsonObject json = TokenizerJsonV3Tests.ReadJson(folder);
        json[component] = JsonNode.Parse(replacement);
        folder.Write("tokenizer.json", json.ToJsonString());
        var e = Assert.ThrowsExactly<NotSupportedException>(() => DebertaTokenizerBase.FromFolder(folder.Path));
        StringAssert.Contains(e.Message, named);
        StringAssert.Contains(e.Message, folder.PathOf("tokenizer.json"));
    }

    [TestMethod]
    public void ATemplateOtherThanDebertasIsNamed()
    {
        using var folder = new TemporaryFolder(JsonFolder);
        JsonObject json = TokenizerJsonV3Tests.ReadJson(folder);
        json["post_processor"]!["single"] = JsonNode.Parse("""[{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}}]""");
        folder.Write("tokenizer.json", json.ToJsonString());
        var e = Assert.ThrowsExactly<NotSupportedException>(() => DebertaTokenizerBase.FromFolder(folder.Path));
        StringAssert.Contains(e.Message, "\"$A:0 [SEP]:0\"");
    }

    [TestMethod]
    public void AFolderWithNeitherFileSaysSo()
    {
        using var folder = new TemporaryFolder();
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => DebertaV2Tokenizer.FromFolder(folder.Path));
        StringAssert.Contains(e.Message, "neither spm.model nor tokenizer.json");
    }
}
