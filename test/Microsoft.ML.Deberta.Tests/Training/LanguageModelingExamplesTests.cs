using Microsoft.ML.Deberta.Tests.MLNet;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>Blocks as run_mlm.py's group_texts makes them, or one sequence per text (line by line).</summary>
[TestClass]
public sealed class LanguageModelingExamplesTests
{
    private static IReadOnlyList<DebertaEncoding> Encode(IReadOnlyList<string> texts) =>
        DebertaTokenizerBase.FromFolder(DebertaTestData.V1TokenizerFolder).EncodeBatch(texts);

    [TestMethod]
    public void GroupingConcatenatesTheTextsAndCutsFullBlocksDroppingTheTail()
    {
        var encodings = Encode(LanguageModelingMaskerTests.YelpSentences().Take(40).ToList());
        var all = encodings.SelectMany(e => e.InputIds).ToArray();
        var blocks = LanguageModelingExamples.Build(encodings, blockSize: 32, groupTexts: true);
        Assert.HasCount(all.Length / 32, blocks);
        Assert.IsTrue(blocks.All(b => b.InputIds.Length == 32));
        CollectionAssert.AreEqual(all[..(blocks.Count * 32)], blocks.SelectMany(b => b.InputIds).ToArray(), "the texts in order, each with its [CLS] and [SEP]");
        var specials = blocks.SelectMany(b => b.SpecialTokens).ToArray();
        var words = blocks.SelectMany(b => b.WordIds).ToArray();
        for (int i = 1; i < words.Length; i++)
            if (words[i] >= 0 && words[i] == words[i - 1])
                Assert.IsFalse(specials[i] || specials[i - 1]);
        // Word numbers stay distinct across texts: as many as there are (text, word) pairs in the kept tokens.
        var pairs = encodings.SelectMany((e, i) => e.WordIds.Select(w => w is null ? null : $"{i}:{w}")).Take(blocks.Count * 32);
        Assert.AreEqual(pairs.Where(p => p is not null).Distinct().Count(), words.Where(w => w >= 0).Distinct().Count());
    }

    [TestMethod]
    public void LineByLineKeepsOneSequencePerText()
    {
        var encodings = Encode(["Great food.", "The service was slow and the waiter rude."]);
        var examples = LanguageModelingExamples.Build(encodings, blockSize: 64, groupTexts: false);
        Assert.HasCount(2, examples);
        CollectionAssert.AreEqual(encodings[1].InputIds.ToArray(), examples[1].InputIds);
        Assert.IsTrue(examples[1].SpecialTokens[0] && examples[1].SpecialTokens[^1], "[CLS] and [SEP] are special");
    }

    [TestMethod]
    public void TextsShorterThanOneBlockAreRefusedWithTheFix()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => LanguageModelingExamples.Build(Encode(["Good."]), blockSize: 64, groupTexts: true));
        StringAssert.Contains(e.Message, "fewer than one block of 64");
        StringAssert.Contains(e.Message, "GroupTexts = false");
    }
}
