using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Tokenization.SentencePiece;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>
/// DeBERTa-v3 from <c>tokenizer.json</c> alone. <c>tokenizer/deberta-v3-tokenizer-json/</c> is the file transformers 5.17
/// wrote for the golden spm.model (copied from the golden pipelines/v3_seqcls): its normaliser is NFC plus whitespace
/// folding instead of the model's character map, and deberta-v3.transformers5.cases.json is what it returned.
/// </summary>
[TestClass]
public sealed class TokenizerJsonV3Tests
{
    private static string JsonFolder => GoldenData.Bundled("tokenizer", "deberta-v3-tokenizer-json");

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Transformers5TokenizerJsonGivesTheIdsTransformers5Returned()
    {
        var tokenizer = (DebertaV2Tokenizer)DebertaTokenizerBase.FromFolder(JsonFolder);
        Assert.AreEqual(1001, tokenizer.VocabularySize);
        int compared = 0;
        foreach (var (where, text, pair, options, expected) in Transformers5Encodings())
        {
            DebertaEncoding actual = tokenizer.Encode(text, pair, options);
            CollectionAssert.AreEqual(GoldenJson.Ints(expected.GetProperty("input_ids")), actual.InputIds.ToArray(), where);
            CollectionAssert.AreEqual(GoldenJson.Strings(expected.GetProperty("tokens")), actual.Tokens.ToArray(), where);
            if (expected.TryGetProperty("token_type_ids", out JsonElement types))
                CollectionAssert.AreEqual(GoldenJson.Ints(types), actual.TokenTypeIds.ToArray(), where);
            compared++;
        }
        TestContext.WriteLine($"{compared} encodings equal to transformers 5.17's from its tokenizer.json");
        Assert.IsGreaterThan(150, compared);
    }

    /// <summary>
    /// On every case of the sentencepiece reference (deberta-v3.cases.json) the tokenizer.json ids equal spm.model's,
    /// except where transformers 5's own output departs from sentencepiece (its NFC normaliser): there they equal
    /// transformers 5's. Both sets are counted.
    /// </summary>
    [TestMethod]
    public void Transformers5TokenizerJsonEqualsSpmModelWhereTransformers5Does()
    {
        var fromJson = DebertaTokenizerBase.FromFolder(JsonFolder);
        var fromSpm = V2Tokenizers.V3;
        var t5 = GoldenCases.Load("deberta-v3.transformers5.cases.json").Where(c => c.GetProperty("kind").GetString() is "single" or "pair")
            .ToDictionary(Key, c => GoldenJson.Ints(c.GetProperty("plain").GetProperty("input_ids")));
        int equal = 0, departures = 0;
        foreach (JsonElement testCase in GoldenCases.Load("deberta-v3.cases.json").Where(c => c.GetProperty("kind").GetString() is "single" or "pair"))
        {
            string text = testCase.GetProperty("text").GetString()!;
            string? pair = testCase.TryGetProperty("text_pair", out JsonElement p) ? p.GetString() : null;
            int[] spm = GoldenJson.Ints(testCase.GetProperty("plain").GetProperty("input_ids"));
            CollectionAssert.AreEqual(spm, fromSpm.Encode(text, pair).InputIds.ToArray(), "spm.model itself");
            int[] json = fromJson.Encode(text, pair).InputIds.ToArray();
            if (json.SequenceEqual(spm))
                equal++;
            else
            {
                Assert.IsTrue(t5.TryGetValue(Key(testCase), out int[]? reference), $"no transformers 5 reference for {JsonSerializer.Serialize(text)}");
                CollectionAssert.AreNotEqual(spm, reference, $"tokenizer.json departs from spm.model on {JsonSerializer.Serialize(text)} where transformers 5 does not");
                CollectionAssert.AreEqual(reference, json, JsonSerializer.Serialize(text));
                departures++;
            }
        }
        TestContext.WriteLine($"tokenizer.json = spm.model on {equal} cases; {departures} where transformers 5's NFC normaliser departs (ids as transformers 5)");
        Assert.IsGreaterThan(50, equal);
    }

    /// <summary>
    /// A tokenizer.json as transformers 4.x's DebertaV2Converter writes it (Strip, Precompiled with the model's own
    /// character map, Replace of space runs, Metaspace): its ids equal spm.model's on every sentencepiece case.
    /// </summary>
    [TestMethod]
    public void PrecompiledTokenizerJsonEqualsSpmModelOnEveryCase()
    {
        using var folder = new TemporaryFolder(JsonFolder);
        byte[] charsmap = SentencePieceModelProto.Parse(File.ReadAllBytes(Path.Combine(V2Tokenizers.Folder, "spm.model"))).Normalizer.PrecompiledCharsmap;
        JsonObject json = ReadJson(folder);
        json["normalizer"] = JsonNode.Parse($$"""
            {"type":"Sequence","normalizers":[{"type":"Strip","strip_left":true,"strip_right":true},
              {"type":"Precompiled","precompiled_charsmap":"{{Convert.ToBase64String(charsmap)}}"},
              {"type":"Replace","pattern":{"Regex":" {2,}"},"content":" "}]}
            """);
        folder.Write("tokenizer.json", json.ToJsonString());
        var fromJson = DebertaTokenizerBase.FromFolder(folder.Path);
        int compared = 0;
        foreach (JsonElement testCase in GoldenCases.Load("deberta-v3.cases.json").Where(c => c.GetProperty("kind").GetString() is "single" or "pair"))
        {
            string text = testCase.GetProperty("text").GetString()!;
            string? pair = testCase.TryGetProperty("text_pair", out JsonElement p) ? p.GetString() : null;
            if (pair == "")
                continue;   // the fast tokenizer treats an empty second text as none; the sentencepiece reference keeps [SEP] [SEP]
            CollectionAssert.AreEqual(GoldenJson.Ints(testCase.GetProperty("plain").GetProperty("input_ids")), fromJson.Encode(text, pair).InputIds.ToArray(), JsonSerializer.Serialize(text));
            compared++;
        }
        TestContext.WriteLine($"{compared} sentencepiece cases equal from a Precompiled tokenizer.json");
        Assert.IsGreaterThan(70, compared);
    }

    [TestMethod]
    public void SpmModelWinsWhenBothFilesArePresent()
    {
        using var folder = new TemporaryFolder(JsonFolder);
        File.Copy(Path.Combine(V2Tokenizers.Folder, "spm.model"), folder.PathOf("spm.model"));
        var tokenizer = (DebertaV2Tokenizer)DebertaTokenizerBase.FromFolder(folder.Path);
        Assert.AreEqual(V2Tokenizers.V3.Model.NormalizerName, tokenizer.Model.NormalizerName);
        StringAssert.StartsWith(((DebertaV2Tokenizer)DebertaTokenizerBase.FromFolder(JsonFolder)).Model.NormalizerName, "tokenizer.json");
    }

    /// <summary>Every single/pair encoding of deberta-v3.transformers5.cases.json with the options that produced it.</summary>
    internal static IEnumerable<(string Where, string Text, string? Pair, DebertaEncodeOptions Options, JsonElement Expected)> Transformers5Encodings()
    {
        foreach (JsonElement testCase in GoldenCases.Load("deberta-v3.transformers5.cases.json"))
        {
            string kind = testCase.GetProperty("kind").GetString()!;
            if (kind is not ("single" or "pair"))
                continue;
            string text = testCase.GetProperty("text").GetString()!;
            string? pair = kind == "pair" ? testCase.GetProperty("text_pair").GetString() : null;
            foreach (var (variant, options) in Variants())
                if (testCase.TryGetProperty(variant, out JsonElement expected) && expected.ValueKind == JsonValueKind.Object)
                    yield return ($"{variant} of {JsonSerializer.Serialize(text)}" + (pair is null ? "" : $" / {JsonSerializer.Serialize(pair)}"), text, pair, options, expected);
        }
    }

    private static IEnumerable<(string, DebertaEncodeOptions)> Variants() =>
    [
        ("plain", new DebertaEncodeOptions()),
        ("no_special", new DebertaEncodeOptions { AddSpecialTokens = false }),
        ("trunc16_pad", new DebertaEncodeOptions { MaxLength = 16, Truncation = DebertaTruncation.LongestFirst, Padding = DebertaPadding.MaxLength, EmulateTokenizersEarlyExit = true }),
        ("trunc24_longest_first", new DebertaEncodeOptions { MaxLength = 24, Truncation = DebertaTruncation.LongestFirst, EmulateTokenizersEarlyExit = true }),
        ("trunc24_only_second", new DebertaEncodeOptions { MaxLength = 24, Truncation = DebertaTruncation.OnlySecond, EmulateTokenizersEarlyExit = true }),
    ];

    internal static JsonObject ReadJson(TemporaryFolder folder) => JsonNode.Parse(File.ReadAllText(folder.PathOf("tokenizer.json")))!.AsObject();

    private static string Key(JsonElement c) => c.GetProperty("text").GetString() + "\u0000" + (c.TryGetProperty("text_pair", out JsonElement p) ? p.GetString() : null);
}
