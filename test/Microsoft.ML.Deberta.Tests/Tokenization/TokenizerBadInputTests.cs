using System.Diagnostics;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>Bad input to the v1 tokenizer and the shared layer: a defined result or a clear exception, never a crash or hang.</summary>
[TestClass]
public sealed class TokenizerBadInputTests
{
    private static DebertaTokenizer Tokenizer => V1Tokenizers.Plain;

    [TestMethod]
    public void NullInputsThrowArgumentNullException()
    {
        Assert.ThrowsExactly<ArgumentNullException>(() => Tokenizer.Encode(null!));
        Assert.ThrowsExactly<ArgumentNullException>(() => Tokenizer.Encode(null!, "pair"));
        Assert.ThrowsExactly<ArgumentNullException>(() => Tokenizer.Tokenize(null!));
        Assert.ThrowsExactly<ArgumentNullException>(() => Tokenizer.EncodeBatch(null!));
        var e = Assert.ThrowsExactly<ArgumentNullException>(() => Tokenizer.EncodeBatch(["ok", null!]));
        StringAssert.Contains(e.Message, "Text 1");
        Assert.ThrowsExactly<ArgumentNullException>(() => Tokenizer.EncodeWords(["ok", null!]));
        Assert.ThrowsExactly<ArgumentNullException>(() => Tokenizer.EncodeWords(null!));
        Assert.ThrowsExactly<ArgumentNullException>(() => Tokenizer.Decode(null!));
        Assert.ThrowsExactly<ArgumentNullException>(() => Tokenizer.BuildInputsWithSpecialTokens(null!));
        Assert.ThrowsExactly<ArgumentNullException>(() => DebertaTokenizer.FromFolder(null!));
        Assert.ThrowsExactly<ArgumentException>(() => Tokenizer.EncodeBatch(["a", "b"], ["x"]));
    }

    [TestMethod]
    public void EmptyAndWhitespaceTextGiveDefinedResults()
    {
        CollectionAssert.AreEqual(new[] { 1, 2 }, Tokenizer.Encode("").InputIds.ToArray());
        Assert.AreEqual(0, Tokenizer.Encode("", new DebertaEncodeOptions { AddSpecialTokens = false }).Length);
        // Byte-level BPE keeps whitespace as tokens, as the reference does for " " ([CLS] Ġ [SEP]).
        DebertaEncoding spaces = Tokenizer.Encode(" \t\n ");
        Assert.AreEqual(1, spaces.InputIds[0]);
        Assert.AreEqual(2, spaces.InputIds[^1]);
        Assert.AreEqual(" \t\n ", Tokenizer.Decode(spaces.InputIds, skipSpecialTokens: true));
        CollectionAssert.AreEqual(new[] { 1, 2, 2 }, Tokenizer.EncodeWords([], []).InputIds.ToArray().Take(2).Concat([2]).ToArray());
        Assert.AreEqual(0, Tokenizer.EncodeBatch([]).Count);
    }

    [TestMethod]
    public void LoneSurrogatesAreEncodedAsTheirBytesAndDecodeAsReplacementCharacters()
    {
        // Python cannot hold such strings in UTF-8, so there is no reference: the defined result is the WTF-8 bytes
        // of the surrogate (what Microsoft.ML.Tokenizers does), one token span per surrogate, U+FFFD when decoded.
        foreach (string text in new[] { "a\ud800b", "\udc00", "x\ud83d", "\ud83d\ud83d\udc4d" })
        {
            DebertaEncoding e = Tokenizer.Encode(text, new DebertaEncodeOptions { AddSpecialTokens = false });
            Assert.IsTrue(e.Length > 0);
            CollectionAssert.DoesNotContain(e.InputIds.ToArray(), Tokenizer.UnkTokenId);
            Assert.IsTrue(e.Offsets.All(o => o.Start >= 0 && o.End <= text.Length && o.Start < o.End), text);
            string decoded = Tokenizer.Decode(e.InputIds);
            Assert.IsFalse(HasLoneSurrogate(decoded), $"decoding {text} gave a lone surrogate");
        }
        Assert.AreEqual("a\ufffd\ufffd\ufffdb", Tokenizer.Decode(Tokenizer.Encode("a\ud800b", new DebertaEncodeOptions { AddSpecialTokens = false }).InputIds));
    }

    [TestMethod]
    public void OneMegabyteStringsFinishInBoundedTime()
    {
        string sentences = string.Join(" ", V1Tokenizers.YelpSentences());
        string prose = string.Concat(Enumerable.Repeat(sentences + " ", 1_048_576 / sentences.Length + 1))[..1_048_576];
        var watch = Stopwatch.StartNew();
        int proseTokens = Tokenizer.Encode(prose).Length;
        double proseSeconds = watch.Elapsed.TotalSeconds;

        string oneWord = new('a', 1_048_576); // one pre-token: the quadratic case of Microsoft.ML.Tokenizers
        watch.Restart();
        DebertaEncoding word = Tokenizer.Encode(oneWord, new DebertaEncodeOptions { MaxLength = 512, Truncation = DebertaTruncation.LongestFirst });
        double wordSeconds = watch.Elapsed.TotalSeconds;

        string cjk = new('日', 1_048_576 / 2);
        watch.Restart();
        int cjkTokens = Tokenizer.Encode(cjk).Length;
        double cjkSeconds = watch.Elapsed.TotalSeconds;

        Console.WriteLine($"1 MB prose: {proseTokens} tokens in {proseSeconds:F2} s; 1 MB single word: {wordSeconds:F2} s; 512 K CJK chars in one word: {cjkTokens} tokens in {cjkSeconds:F2} s");
        Assert.AreEqual(512, word.Length);
        Assert.IsTrue(proseSeconds < 20 && wordSeconds < 20 && cjkSeconds < 20, "a 1 MB input took more than 20 s");
    }

    [TestMethod]
    public void ByteLevelNeverProducesUnknownTokens()
    {
        const string text = "Control\x07bell null\0byte 日本語 👨‍👩‍👧 \ufffe\uffff \U0010FFFF";
        DebertaEncoding e = Tokenizer.Encode(text);
        CollectionAssert.DoesNotContain(e.InputIds.ToArray(), Tokenizer.UnkTokenId);
        Assert.AreEqual(text, Tokenizer.Decode(e.InputIds, skipSpecialTokens: true));
    }

    [TestMethod]
    public void MissingOrCorruptFilesNameTheFile()
    {
        string reference = GoldenData.Bundled("tokenizer", "deberta-v1");
        Assert.ThrowsExactly<DirectoryNotFoundException>(() => DebertaTokenizer.FromFolder(Path.Combine(reference, "no-such-folder")));
        using (var empty = new TemporaryFolder())
            StringAssert.Contains(Assert.ThrowsExactly<FileNotFoundException>(() => DebertaTokenizer.FromFolder(empty.Path)).Message, "vocab.json and merges.txt");
        using (var noMerges = new TemporaryFolder(reference))
        {
            File.Delete(noMerges.PathOf("merges.txt"));
            StringAssert.Contains(Assert.ThrowsExactly<FileNotFoundException>(() => DebertaTokenizer.FromFolder(noMerges.Path)).Message, "merges.txt");
        }
        ExpectInvalid(reference, "vocab.json", "{\"a\": 1, oops", "vocab.json");
        ExpectInvalid(reference, "vocab.json", "[1, 2, 3]", "vocab.json");
        ExpectInvalid(reference, "vocab.json", "{\"a\": \"one\"}", "vocab.json");
        ExpectInvalid(reference, "vocab.json", "{\"a\": 1, \"b\": 1}", "both have id 1");
        ExpectInvalid(reference, "vocab.json", "{\"[PAD]\": 0}", "byte 0x00");
        ExpectInvalid(reference, "merges.txt", "#version: 0.2\nĠ t\nthis line is wrong\n", "line 3");
        ExpectInvalid(reference, "merges.txt", "#version: 0.2\nĠ t\nĠ nosuchtoken\n", "merge 2");
        ExpectInvalid(reference, "tokenizer_config.json", "{\"add_prefix_space\": ", "tokenizer_config.json");
        ExpectInvalid(reference, "tokenizer_config.json", "{\"add_prefix_space\": \"yes\"}", "add_prefix_space");
        ExpectInvalid(reference, "special_tokens_map.json", "{\"mask_token\": 5}", "special_tokens_map.json");
        ExpectInvalid(reference, "added_tokens.json", "{\"[X]\": -4}", "added_tokens.json");

        string jsonReference = GoldenData.Bundled("tokenizer", "deberta-v1-tokenizer-json");
        ExpectInvalid(jsonReference, "tokenizer.json", "{\"model\": {\"type\": \"BPE\", \"vocab\": {", "tokenizer.json");
        ExpectInvalid(jsonReference, "tokenizer.json", "{\"model\": {\"type\": \"BPE\", \"vocab\": [], \"merges\": []}}", "model.vocab");
        ExpectInvalid(jsonReference, "tokenizer.json", "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}", "DebertaV2Tokenizer");
        using var garbage = new TemporaryFolder(reference);
        File.WriteAllBytes(garbage.PathOf("merges.txt"), [0xff, 0xfe, 0x00, 0x41]);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => DebertaTokenizer.FromFolder(garbage.Path)).Message, "merges.txt");
    }

    [TestMethod]
    public void InvalidOptionsThrowClearErrors()
    {
        const string question = "Who proposed DeBERTa?";
        string context = string.Join(" ", Enumerable.Repeat("Pengcheng He proposed it.", 20));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Tokenizer.Encode("a b c", "d", new DebertaEncodeOptions { MaxLength = 2 })).Message, "3 special tokens");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Tokenizer.Encode(question, context,
            new DebertaEncodeOptions { MaxLength = 20, Truncation = DebertaTruncation.OnlySecond, ReturnOverflowingTokens = true, Stride = 11 })).Message, "Stride 11");
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => Tokenizer.Encode(context, question,
            new DebertaEncodeOptions { MaxLength = 20, Truncation = DebertaTruncation.OnlySecond })).Message,
            "Truncation error: Sequence to truncate too short to respect the provided max_length");
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => Tokenizer.Encode(context,
            new DebertaEncodeOptions { MaxLength = 20, Truncation = DebertaTruncation.OnlySecond })).Message, "Truncation error: Second sequence not provided");
        Assert.ThrowsExactly<ArgumentException>(() => Tokenizer.Encode("x", new DebertaEncodeOptions { Stride = -1 }));
        Assert.ThrowsExactly<ArgumentException>(() => Tokenizer.Encode("x", new DebertaEncodeOptions { MaxLength = -5 }));
        Assert.ThrowsExactly<ArgumentException>(() => Tokenizer.Encode("x", new DebertaEncodeOptions { Padding = DebertaPadding.MaxLength }));
        Assert.ThrowsExactly<ArgumentException>(() => Tokenizer.Encode("x", new DebertaEncodeOptions { Padding = DebertaPadding.Longest, PadToMultipleOf = 0 }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Tokenizer.Decode([1, 99_999_999]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Tokenizer.ConvertIdToToken(-1));
        // A stride that fits, and a max length that fits, are fine.
        Assert.IsTrue(Tokenizer.Encode(question, context, new DebertaEncodeOptions { MaxLength = 20, Truncation = DebertaTruncation.OnlySecond, ReturnOverflowingTokens = true, Stride = 5 }).Overflowing.Count > 0);
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(text[i]))
                return true;
        }
        return false;
    }

    private static void ExpectInvalid(string referenceFolder, string file, string content, string messagePart)
    {
        using var folder = new TemporaryFolder(referenceFolder);
        folder.Write(file, content);
        Exception e = Assert.ThrowsExactly<InvalidDataException>(() => DebertaTokenizer.FromFolder(folder.Path), $"{file}: {content}");
        StringAssert.Contains(e.Message, messagePart, $"{file}: {content}");
    }
}
