using System.Diagnostics;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>Bad input to the v2/v3 tokenizer: a defined result or a clear exception, never a crash or hang.</summary>
[TestClass]
public sealed class DebertaV2BadInputTests
{
    private static DebertaV2Tokenizer Tokenizer => V2Tokenizers.V3;

    [TestMethod]
    public void NullEmptyAndWhitespaceInputs()
    {
        Assert.ThrowsExactly<ArgumentNullException>(() => Tokenizer.Encode(null!));
        Assert.ThrowsExactly<ArgumentNullException>(() => Tokenizer.Tokenize(null!));
        Assert.ThrowsExactly<ArgumentNullException>(() => DebertaV2Tokenizer.FromFolder(null!));
        foreach (string text in new[] { "", " ", "\t\n  \u3000" })
            CollectionAssert.AreEqual(new[] { 1, 2 }, Tokenizer.Encode(text).InputIds.ToArray(), $"'{text}'");
        CollectionAssert.AreEqual(new[] { 1, 2, 2 }, Tokenizer.Encode("", "").InputIds.ToArray()); // an empty second sequence, as the reference
    }

    [TestMethod]
    public void UnknownCharactersBecomeOneUnknownTokenPerRun()
    {
        DebertaEncoding e = Tokenizer.Encode("Hello 日本語のテキスト world", new DebertaEncodeOptions { AddSpecialTokens = false });
        int unknown = e.InputIds.ToList().IndexOf(Tokenizer.UnkTokenId);
        Assert.IsTrue(unknown >= 0);
        Assert.AreEqual(1, e.InputIds.Count(id => id == Tokenizer.UnkTokenId));
        Assert.AreEqual("日本語のテキスト", e.Tokens[unknown]);
        Assert.AreEqual(new TokenOffset(6, 14), e.Offsets[unknown]);
        Assert.AreEqual("[UNK]", Tokenizer.ConvertIdToToken(Tokenizer.UnkTokenId));
    }

    [TestMethod]
    public void LoneSurrogatesAreReadAsReplacementCharacters()
    {
        // The engine reads a lone surrogate as U+FFFD; the v3 model's nmt_nfkc map turns that into a space.
        var none = new DebertaEncodeOptions { AddSpecialTokens = false };
        foreach (string text in new[] { "a\ud800b", "a\udc00b", "a\ud83db" })
        {
            DebertaEncoding e = Tokenizer.Encode(text, none);
            CollectionAssert.AreEqual(Tokenizer.Encode("a\ufffdb", none).InputIds.ToArray(), e.InputIds.ToArray(), text);
            Assert.IsTrue(e.Offsets.All(o => o.Start >= 0 && o.End <= text.Length && o.Start <= o.End), text);
        }
        DebertaEncoding alone = Tokenizer.Encode("\udfff");
        Assert.IsTrue(alone.Length >= 2);
    }

    [TestMethod]
    public void OneMegabyteStringFinishesInBoundedTime()
    {
        string sentences = string.Join(" ", V1Tokenizers.YelpSentences());
        string prose = string.Concat(Enumerable.Repeat(sentences + " ", 1_048_576 / sentences.Length + 1))[..1_048_576];
        var watch = Stopwatch.StartNew();
        int tokens = Tokenizer.Encode(prose).Length;
        double proseSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        int wordTokens = Tokenizer.Encode(new string('a', 1_048_576)).Length;
        double wordSeconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"v3: 1 MB prose: {tokens} tokens in {proseSeconds:F2} s; 1 MB single word: {wordTokens} tokens in {wordSeconds:F2} s");
        Assert.IsTrue(proseSeconds < 20 && wordSeconds < 20);
    }

    [TestMethod]
    public void MissingOrCorruptModelFilesNameTheFile()
    {
        using (var empty = new TemporaryFolder())
            StringAssert.Contains(Assert.ThrowsExactly<FileNotFoundException>(() => DebertaV2Tokenizer.FromFolder(empty.Path)).Message, "spm.model");
        using (var garbage = new TemporaryFolder())
        {
            File.WriteAllBytes(garbage.PathOf("spm.model"), [0x0a, 0xff, 0xff, 0xff, 0x01, 0x02, 0x03]);
            StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => DebertaV2Tokenizer.FromFolder(garbage.Path)).Message, "spm.model");
            File.WriteAllText(garbage.PathOf("spm.model"), "this is not a protobuf at all");
            StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => DebertaV2Tokenizer.FromFolder(garbage.Path)).Message, "spm.model");
        }
        using (var jsonOnly = new TemporaryFolder())
        {
            jsonOnly.Write("tokenizer.json", "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
            // tokenizer.json alone is loaded (TokenizerJsonV3Tests); this one lacks the Metaspace pre-tokenizer DeBERTa needs.
            StringAssert.Contains(Assert.ThrowsExactly<NotSupportedException>(() => DebertaV2Tokenizer.FromFolder(jsonOnly.Path)).Message, "no pre_tokenizer");
            StringAssert.Contains(Assert.ThrowsExactly<NotSupportedException>(() => DebertaTokenizerBase.FromFolder(jsonOnly.Path)).Message, "tokenizer.json");
        }
        using var badConfig = new TemporaryFolder(V2Tokenizers.Folder);
        badConfig.Write("tokenizer_config.json", "{\"do_lower_case\": 1}");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => DebertaV2Tokenizer.FromFolder(badConfig.Path)).Message, "do_lower_case");
    }
}
