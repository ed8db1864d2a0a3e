using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

[TestClass]
public sealed class DebertaV2TokenizerTests
{
    private static readonly DebertaEncodeOptions NoSpecial = new() { AddSpecialTokens = false };

    [TestMethod]
    public void SpecialTokensComeFromTheModelAndMaskIsAppended()
    {
        DebertaV2Tokenizer tokenizer = V2Tokenizers.V3;
        Assert.AreEqual((0, 1, 2, 3), (tokenizer.PadTokenId, tokenizer.ClsTokenId, tokenizer.SepTokenId, tokenizer.UnkTokenId));
        Assert.AreEqual(1000, tokenizer.ModelVocabularySize);
        Assert.AreEqual(1000, tokenizer.MaskTokenId); // = piece count, as transformers adds it
        Assert.AreEqual(1001, tokenizer.VocabularySize);
        Assert.AreEqual("[MASK]", tokenizer.ConvertIdToToken(1000));
        Assert.AreEqual(1000, tokenizer.ConvertTokenToId("[MASK]"));

        using var folder = new TemporaryFolder(V2Tokenizers.Folder);
        folder.Write("added_tokens.json", "{\"[MASK]\": 128000}");
        DebertaV2Tokenizer withAdded = DebertaV2Tokenizer.FromFolder(folder.Path);
        Assert.AreEqual(128000, withAdded.MaskTokenId);
        CollectionAssert.Contains(withAdded.Encode("The capital is [MASK].").InputIds.ToArray(), 128000);
    }

    [TestMethod]
    public void EveryChunkBetweenSpecialTokensGetsItsOwnPrefix()
    {
        DebertaV2Tokenizer tokenizer = V2Tokenizers.V3;
        DebertaEncoding joined = tokenizer.Encode("A [MASK] B", NoSpecial);
        int[] a = tokenizer.Encode("A", NoSpecial).InputIds.ToArray(), b = tokenizer.Encode(" B", NoSpecial).InputIds.ToArray();
        CollectionAssert.AreEqual(a.Append(tokenizer.MaskTokenId).Concat(b).ToArray(), joined.InputIds.ToArray());
        Assert.IsTrue(joined.Tokens[^1].StartsWith('\u2581'));
    }

    [TestMethod]
    public void LowercasingAndPunctuationSplittingFollowTheConfig()
    {
        using var folder = new TemporaryFolder(V2Tokenizers.Folder);
        folder.Write("tokenizer_config.json", "{\"do_lower_case\": true, \"split_by_punct\": true}");
        DebertaV2Tokenizer tokenizer = DebertaV2Tokenizer.FromFolder(folder.Path);
        Assert.IsTrue(tokenizer.DoLowerCase && tokenizer.SplitByPunct);
        DebertaV2Tokenizer plain = V2Tokenizers.V3;

        DebertaEncoding e = tokenizer.Encode("Hello,World!", NoSpecial);
        int[] expected = new[] { "hello", ",", "world", "!" }.SelectMany(part => plain.Encode(part, NoSpecial).InputIds).ToArray();
        CollectionAssert.AreEqual(expected, e.InputIds.ToArray());
        Assert.AreEqual(new TokenOffset(5, 6), e.Offsets[Array.IndexOf(e.Tokens.ToArray(), ",")]);
        Assert.AreEqual(4, e.WordIds.Distinct().Count()); // each run is a word of its own

        Assert.IsFalse(DebertaV2Tokenizer.FromFolder(folder.Path, new DebertaTokenizerLoadOptions { DoLowerCase = false }).DoLowerCase);
        Assert.IsTrue(DebertaV2Tokenizer.IsPunctuation(new System.Text.Rune('¿')));
        Assert.IsTrue(DebertaV2Tokenizer.IsPunctuation(new System.Text.Rune('$'))); // ASCII symbol counts as punctuation for BERT
        Assert.IsFalse(DebertaV2Tokenizer.IsPunctuation(new System.Text.Rune('€')));
    }

    [TestMethod]
    public void WordIdsFollowTheMetaspaceWords()
    {
        DebertaEncoding e = V2Tokenizers.V3.Encode("Hello world", NoSpecial);
        // '▁','H','e','l','l','o' are the first word, '▁world' the second.
        CollectionAssert.AreEqual(new[] { "\u2581", "H", "e", "l", "l", "o", "\u2581world" }, e.Tokens.ToArray());
        CollectionAssert.AreEqual(new int?[] { 0, 0, 0, 0, 0, 0, 1 }, e.WordIds.ToArray());
        DebertaEncoding words = V2Tokenizers.V3.EncodeWords(["Hello", "world"]);
        CollectionAssert.AreEqual(new int?[] { null, 0, 0, 0, 0, 0, 0, 1, null }, words.WordIds.ToArray());
        CollectionAssert.AreEqual(e.InputIds.ToArray(), words.InputIds.Skip(1).Take(7).ToArray());
    }

    [TestMethod]
    public void DecodeWritesSpecialTokensAsTransformers4Does()
    {
        DebertaV2Tokenizer tokenizer = V2Tokenizers.V3;
        IReadOnlyList<int> ids = tokenizer.Encode("Hello world", "the end").InputIds;
        Assert.AreEqual("[CLS] Hello world[SEP] the end[SEP]", tokenizer.Decode(ids));
        Assert.AreEqual("Hello world the end", tokenizer.Decode(ids, skipSpecialTokens: true));
        // SPMTokenizer.decode: the pieces before [MASK] are decoded, then "[MASK]" appended without a space.
        Assert.AreEqual("The capital is[MASK].", tokenizer.Decode(tokenizer.Encode("The capital is [MASK].", NoSpecial).InputIds));

        // An added token that is not special is its own part; parts are joined with spaces (PreTrainedTokenizer._decode).
        using var folder = new TemporaryFolder(V2Tokenizers.Folder);
        folder.Write("added_tokens.json", "{\"<new>\": 1001}");
        DebertaV2Tokenizer withAdded = DebertaV2Tokenizer.FromFolder(folder.Path);
        DebertaEncoding e = withAdded.Encode("Hello<new>world", NoSpecial);
        CollectionAssert.Contains(e.InputIds.ToArray(), 1001);
        Assert.AreEqual("Hello <new> world", withAdded.Decode(e.InputIds));
        Assert.AreEqual(1002, withAdded.VocabularySize);
    }

    [TestMethod]
    public void SaveVocabularyWritesTheModelBytes()
    {
        using var folder = new TemporaryFolder();
        IReadOnlyList<string> files = V2Tokenizers.V3.SaveVocabulary(folder.Path);
        Assert.AreEqual(folder.PathOf("spm.model"), files.Single());
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(V2Tokenizers.Folder, "spm.model")), File.ReadAllBytes(files[0]));
        DebertaV2Tokenizer reloaded = DebertaV2Tokenizer.FromFolder(folder.Path);
        foreach (string text in V1Tokenizers.YelpSentences().Take(100))
            CollectionAssert.AreEqual(V2Tokenizers.V3.Encode(text).InputIds.ToArray(), reloaded.Encode(text).InputIds.ToArray(), text);
        Assert.AreEqual("x-spm.model", Path.GetFileName(V2Tokenizers.V3.SaveVocabulary(folder.Path, "x")[0]));
    }

    [TestMethod]
    public void SavePretrainedKeepsSettingsAndAddedTokens()
    {
        using var source = new TemporaryFolder(V2Tokenizers.Folder);
        source.Write("tokenizer_config.json", "{\"do_lower_case\": true, \"split_by_punct\": true}");
        source.Write("added_tokens.json", "{\"<ent>\": 1001}");
        DebertaV2Tokenizer original = DebertaV2Tokenizer.FromFolder(source.Path);
        using var saved = new TemporaryFolder();
        original.SavePretrained(saved.Path);
        DebertaTokenizerBase reloaded = DebertaTokenizerBase.FromFolder(saved.Path);
        Assert.IsInstanceOfType<DebertaV2Tokenizer>(reloaded);
        Assert.IsTrue(((DebertaV2Tokenizer)reloaded).DoLowerCase && ((DebertaV2Tokenizer)reloaded).SplitByPunct);
        Assert.AreEqual((1000, 1002), (reloaded.MaskTokenId, reloaded.VocabularySize));
        foreach (string text in new[] { "Hello, World! [MASK] x<ent>y", "The capital of France is [MASK]." })
            CollectionAssert.AreEqual(original.Encode(text).InputIds.ToArray(), reloaded.Encode(text).InputIds.ToArray(), text);
    }

    [TestMethod]
    public void FolderDetectionPicksTheTokenizerKind()
    {
        Assert.IsInstanceOfType<DebertaV2Tokenizer>(DebertaTokenizerBase.FromFolder(V2Tokenizers.Folder));
        Assert.IsInstanceOfType<DebertaTokenizer>(DebertaTokenizerBase.FromFolder(GoldenData.Bundled("tokenizer", "deberta-v1")));
        Assert.IsInstanceOfType<DebertaTokenizer>(DebertaTokenizerBase.FromFolder(GoldenData.Bundled("tokenizer", "deberta-v1-tokenizer-json")));
    }
}
