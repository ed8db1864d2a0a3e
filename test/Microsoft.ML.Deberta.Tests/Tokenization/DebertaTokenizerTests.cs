using System.Text;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

[TestClass]
public sealed class DebertaTokenizerTests
{
    [TestMethod]
    public void TokenizerJsonFolderEncodesLikeVocabAndMerges()
    {
        DebertaTokenizer fromJson = DebertaTokenizer.FromFolder(GoldenData.Bundled("tokenizer", "deberta-v1-tokenizer-json"));
        DebertaTokenizer fromFiles = V1Tokenizers.Plain;
        Assert.AreEqual(fromFiles.VocabularySize, fromJson.VocabularySize);
        Assert.AreEqual(fromFiles.MaskTokenId, fromJson.MaskTokenId);
        int compared = 0;
        foreach (var testCase in GoldenCases.Load("deberta-v1.cases.json"))
        {
            if (!testCase.TryGetProperty("text", out var text))
                continue;
            string? pair = testCase.TryGetProperty("text_pair", out var p) ? p.GetString() : null;
            DebertaEncoding a = fromFiles.Encode(text.GetString()!, pair), b = fromJson.Encode(text.GetString()!, pair);
            CollectionAssert.AreEqual(a.InputIds.ToArray(), b.InputIds.ToArray());
            CollectionAssert.AreEqual(a.Offsets.ToArray(), b.Offsets.ToArray());
            CollectionAssert.AreEqual(a.WordIds.ToArray(), b.WordIds.ToArray());
            compared++;
        }
        Assert.IsTrue(compared > 70, $"only {compared} texts compared");
    }

    [TestMethod]
    public void HelpersRebuildTheReferencePairLayout()
    {
        DebertaTokenizer tokenizer = V1Tokenizers.Plain;
        int compared = 0;
        foreach (var testCase in GoldenCases.OfKind("deberta-v1.cases.json", "pair"))
        {
            string text = testCase.GetProperty("text").GetString()!, pair = testCase.GetProperty("text_pair").GetString()!;
            if (pair.Length == 0)
                continue; // an empty second text is no second text (fast tokenizer semantics)
            var plain = testCase.GetProperty("plain");
            var none = new DebertaEncodeOptions { AddSpecialTokens = false };
            IReadOnlyList<int> a = tokenizer.Encode(text, none).InputIds, b = tokenizer.Encode(pair, none).InputIds;
            CollectionAssert.AreEqual(GoldenJson.Ints(plain.GetProperty("input_ids")), tokenizer.BuildInputsWithSpecialTokens(a, b).ToArray());
            CollectionAssert.AreEqual(GoldenJson.Ints(plain.GetProperty("special_tokens_mask")), tokenizer.GetSpecialTokensMask(a, b).ToArray());
            CollectionAssert.AreEqual(GoldenJson.Ints(plain.GetProperty("token_type_ids")), tokenizer.CreateTokenTypeIdsFromSequences(a, b).ToArray());
            CollectionAssert.AreEqual(GoldenJson.Ints(plain.GetProperty("special_tokens_mask")),
                tokenizer.GetSpecialTokensMask(GoldenJson.Ints(plain.GetProperty("input_ids")), null, alreadyHasSpecialTokens: true).ToArray());
            compared++;
        }
        Assert.IsTrue(compared >= 10);
        Assert.ThrowsExactly<ArgumentException>(() => tokenizer.GetSpecialTokensMask([1, 2], [3], alreadyHasSpecialTokens: true));
    }

    [TestMethod]
    public void MaskAbsorbsAllWhitespaceBeforeIt()
    {
        DebertaTokenizer tokenizer = V1Tokenizers.Plain;
        const string text = "Paris is \t [MASK] today";
        DebertaEncoding encoding = tokenizer.Encode(text, new DebertaEncodeOptions { AddSpecialTokens = false });
        int mask = encoding.InputIds.ToList().IndexOf(tokenizer.MaskTokenId);
        Assert.AreEqual(new TokenOffset(8, 17), encoding.Offsets[mask]);
        CollectionAssert.AreEqual(new[] { "Paris", "Ġis" }, encoding.Tokens.Take(2).ToArray());
        Assert.AreEqual(" \t [MASK]", tokenizer.Tokenize(text)[2]);
        // Other special tokens keep the whitespace before them as tokens of their own.
        Assert.AreEqual("Ġ", tokenizer.Encode("a [SEP]", new DebertaEncodeOptions { AddSpecialTokens = false }).Tokens[1]);
    }

    [TestMethod]
    public void AddedTokensFromTheFolderAreSplitOutLongestFirst()
    {
        using var folder = new TemporaryFolder(GoldenData.Bundled("tokenizer", "deberta-v1"));
        folder.Write("added_tokens.json", "{\"[SEP][SEP]\": 50262}");
        folder.Write("special_tokens_map.json", "{\"mask_token\": {\"content\": \"[MASK]\", \"lstrip\": false}}");
        DebertaTokenizer tokenizer = DebertaTokenizer.FromFolder(folder.Path);
        Assert.AreEqual(50263, tokenizer.VocabularySize);
        Assert.AreEqual(50262, tokenizer.ModelVocabularySize);
        var none = new DebertaEncodeOptions { AddSpecialTokens = false };
        DebertaEncoding encoding = tokenizer.Encode("x [SEP][SEP] y [SEP]", none);
        CollectionAssert.Contains(encoding.InputIds.ToArray(), 50262);
        Assert.AreEqual(1, encoding.InputIds.Count(id => id == tokenizer.SepTokenId));
        // lstrip=false from special_tokens_map.json: the space before [MASK] stays a token.
        CollectionAssert.AreEqual(new[] { "a", "Ġ", "[MASK]" }, tokenizer.Encode("a [MASK]", none).Tokens.ToArray());
        Assert.IsFalse(tokenizer.IsSpecialTokenId(50262), "added_tokens.json entries are not special tokens");
        Assert.AreEqual("x [SEP][SEP] y ", tokenizer.Decode(encoding.InputIds, skipSpecialTokens: true));
    }

    [TestMethod]
    public void PrefixSpaceComesFromTokenizerConfig()
    {
        using var folder = new TemporaryFolder(GoldenData.Bundled("tokenizer", "deberta-v1"));
        folder.Write("tokenizer_config.json", "{\"add_prefix_space\": true, \"model_max_length\": 512}");
        DebertaTokenizer tokenizer = DebertaTokenizer.FromFolder(folder.Path);
        Assert.IsTrue(tokenizer.AddPrefixSpace);
        Assert.AreEqual(512, tokenizer.ModelMaxLength);
        var reference = GoldenCases.Load("deberta-v1-add-prefix-space.cases.json")[0];
        Assert.AreEqual("Hello world", reference.GetProperty("text").GetString());
        CollectionAssert.AreEqual(GoldenJson.Ints(reference.GetProperty("plain").GetProperty("input_ids")), tokenizer.Encode("Hello world").InputIds.ToArray());
        // An explicit option wins over the folder.
        Assert.IsFalse(DebertaTokenizer.FromFolder(folder.Path, new DebertaTokenizerLoadOptions { AddPrefixSpace = false }).AddPrefixSpace);
        // Truncation without MaxLength uses model_max_length.
        string longText = string.Join(" ", Enumerable.Repeat("word", 600));
        Assert.AreEqual(512, tokenizer.Encode(longText, new DebertaEncodeOptions { Truncation = DebertaTruncation.LongestFirst }).Length);
    }

    [TestMethod]
    public void SaveVocabularyWritesFilesTransformersReadsBack()
    {
        DebertaTokenizer tokenizer = V1Tokenizers.Plain;
        using var folder = new TemporaryFolder();
        IReadOnlyList<string> files = tokenizer.SaveVocabulary(folder.Path, "saved");
        CollectionAssert.AreEqual(new[] { folder.PathOf("saved-vocab.json"), folder.PathOf("saved-merges.txt") }, files.ToArray());

        string vocab = File.ReadAllText(files[0], Encoding.UTF8);
        StringAssert.StartsWith(vocab, "{\n  \"!\": 4,\n  \"!!\": 3232,\n  \"!!!\": 10189,\n"); // Python's json.dumps(indent=2, sort_keys=True)
        StringAssert.EndsWith(vocab, "\n}\n");
        StringAssert.Contains(vocab, "\n  \"\\\\\": 63,\n");
        StringAssert.Contains(vocab, "\n  \"\\\"\": 5,\n");
        string[] keys = vocab.Split('\n').Skip(1).SkipLast(2).Select(line => System.Text.Json.JsonDocument.Parse("{" + line.TrimEnd(',') + "}").RootElement.EnumerateObject().Single().Name).ToArray();
        Assert.AreEqual(tokenizer.ModelVocabularySize, keys.Length);
        for (int i = 1; i < keys.Length; i++)
            Assert.IsTrue(string.CompareOrdinal(keys[i - 1], keys[i]) < 0, $"keys not sorted at {keys[i]}");

        string[] merges = File.ReadAllLines(files[1]);
        Assert.AreEqual("#version: 0.2", merges[0]);
        CollectionAssert.AreEqual(
            File.ReadAllLines(Path.Combine(GoldenData.Bundled("tokenizer", "deberta-v1"), "merges.txt")), merges);

        File.Move(files[0], folder.PathOf("vocab.json"));
        File.Move(files[1], folder.PathOf("merges.txt"));
        DebertaTokenizer reloaded = DebertaTokenizer.FromFolder(folder.Path);
        foreach (string text in V1Tokenizers.YelpSentences().Take(200).Append("The capital of France is [MASK]."))
            CollectionAssert.AreEqual(tokenizer.Encode(text).InputIds.ToArray(), reloaded.Encode(text).InputIds.ToArray(), text);
    }

    [TestMethod]
    public void SavePretrainedKeepsSettingsAndAddedTokens()
    {
        using var source = new TemporaryFolder(GoldenData.Bundled("tokenizer", "deberta-v1"));
        source.Write("added_tokens.json", "{\"<ent>\": 50262}");
        source.Write("tokenizer_config.json", "{\"add_prefix_space\": true, \"model_max_length\": 512}");
        DebertaTokenizer original = DebertaTokenizer.FromFolder(source.Path);
        using var saved = new TemporaryFolder();
        IReadOnlyList<string> files = original.SavePretrained(saved.Path);
        CollectionAssert.AreEquivalent(new[] { "vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json" }, files.Select(Path.GetFileName).ToArray());

        DebertaTokenizer reloaded = DebertaTokenizer.FromFolder(saved.Path);
        Assert.IsTrue(reloaded.AddPrefixSpace);
        Assert.AreEqual(512, reloaded.ModelMaxLength);
        Assert.AreEqual(original.VocabularySize, reloaded.VocabularySize);
        foreach (string text in new[] { "The capital of France is  [MASK].", "x<ent>y [SEP] z", "Hello world" })
        {
            CollectionAssert.AreEqual(original.Encode(text).InputIds.ToArray(), reloaded.Encode(text).InputIds.ToArray(), text);
            CollectionAssert.AreEqual(original.Encode(text).Offsets.ToArray(), reloaded.Encode(text).Offsets.ToArray(), text);
        }
    }

    [TestMethod]
    public void LongWordPathAgreesWithMicrosoftMLTokenizers()
    {
        DebertaTokenizer tokenizer = V1Tokenizers.Plain;
        var random = new Random(20240601);
        string[] pools =
        [
            "abcdefghijklmnopqrstuvwxyz", "aaaaaaaab", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef", "0123456789", " ", "!?.,;:-_'\"()[]{}",
            "éèàüöçñßæøåÉÜ", "日本語中文字符测试のテキスト", "Привет мир", "שלום", "∑∫√∞≈≠€£¥₹", "\u200b\u00a0\t\n\x07\x00",
            "\ud83d\udc4d\ud83c\udffd\ud83c\udf89\ud83d\udc68\u200d\ud83d\udc69", "\ud800\udc00x\udbff",
        ];
        int words = 0;
        for (int i = 0; i < 1500; i++)
        {
            string pool = string.Concat(Enumerable.Range(0, 1 + random.Next(3)).Select(_ => pools[random.Next(pools.Length)]));
            int length = 1 + random.Next(i < 1200 ? 60 : 400);
            var word = new StringBuilder();
            while (word.Length < length)
                word.Append(pool[random.Next(pool.Length)]);
            string piece = word.ToString();
            CollectionAssert.AreEqual(tokenizer.EncodePreToken(piece, longWordPath: false), tokenizer.EncodePreToken(piece, longWordPath: true),
                $"word {i}: {piece}");
            words++;
        }
        foreach (string sentence in V1Tokenizers.YelpSentences())
            CollectionAssert.AreEqual(tokenizer.EncodePreToken(sentence, false), tokenizer.EncodePreToken(sentence, true), sentence);
        Assert.AreEqual(1500, words);
    }
}
