using Microsoft.ML.Deberta.Tasks.FillMask;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tasks;

/// <summary>
/// The fill-mask rules on logits whose answer is known by hand (the v3_mlm reference folder's tokenizer; ids 184
/// "law" and 791 "legibly" as transformers decoded them there): top_k order and scores, targets (not renormalised,
/// top_k capped, out-of-vocabulary targets tokenized with a warning, duplicates removed), several masks, padding.
/// </summary>
[TestClass]
public sealed class FillMaskDecoderTests
{
    private const int Vocabulary = 1001;
    private const int Law = 184;
    private const int Legibly = 791;

    private static DebertaTokenizerBase Tokenizer() => DebertaTokenizerBase.FromFolder(GoldenData.Bundled("pipelines", "v3_mlm"));

    // Every row 0 except the given ids.
    private static float[] Logits(int rows, params (int Id, float Logit)[] raised)
    {
        var logits = new float[rows * Vocabulary];
        for (int r = 0; r < rows; r++)
            foreach (var (id, logit) in raised)
                logits[r * Vocabulary + id] = logit;
        return logits;
    }

    [TestMethod]
    public void TopKTakesTheMostProbableTokensOverTheWholeVocabulary()
    {
        var tokenizer = Tokenizer();
        var ids = tokenizer.Encode("The capital of France is [MASK].").InputIds;
        var result = new FillMaskDecoder(tokenizer).Decode(ids, Logits(ids.Count, (Law, 3f), (Legibly, 2f), (7, 1f)), Vocabulary, topK: 2);

        double sum = Math.Exp(3) + Math.Exp(2) + Math.Exp(1) + (Vocabulary - 3);
        Assert.HasCount(1, result);
        Assert.HasCount(2, result[0]);
        Assert.AreEqual(Law, result[0][0].TokenId);
        Assert.AreEqual("law", result[0][0].TokenString);
        Assert.AreEqual(Math.Exp(3) / sum, result[0][0].Score, 1e-7);
        Assert.AreEqual("The capital of France is law .", result[0][0].Sequence);
        Assert.AreEqual(Legibly, result[0][1].TokenId);
        Assert.AreEqual(Math.Exp(2) / sum, result[0][1].Score, 1e-7);
    }

    [TestMethod]
    public void TargetsKeepWholeVocabularyScoresAndCapTopK()
    {
        var tokenizer = Tokenizer();
        var ids = tokenizer.Encode("The capital of France is [MASK].").InputIds;
        var targets = FillMaskTargets.Resolve(tokenizer, [tokenizer.ConvertIdToToken(Legibly), tokenizer.ConvertIdToToken(Law)]);
        var result = new FillMaskDecoder(tokenizer).Decode(ids, Logits(ids.Count, (7, 5f), (Law, 1f)), Vocabulary, topK: 5, targets);

        double sum = Math.Exp(5) + Math.Exp(1) + (Vocabulary - 2);
        Assert.IsEmpty(targets.Warnings, "vocabulary entries need no warning");
        Assert.HasCount(2, result[0], "top_k is capped at the number of targets");
        Assert.AreEqual(Law, result[0][0].TokenId);
        Assert.AreEqual(Math.Exp(1) / sum, result[0][0].Score, 1e-7, "not renormalised over the targets");
        Assert.AreEqual(Legibly, result[0][1].TokenId);
        Assert.AreEqual(1 / sum, result[0][1].Score, 1e-7);
    }

    [TestMethod]
    public void TargetOutsideTheVocabularyUsesItsFirstTokenWithAWarning()
    {
        var tokenizer = Tokenizer();
        string lawEntry = tokenizer.ConvertIdToToken(Law);
        Assert.AreNotEqual("law", lawEntry, "the bare word is not itself a vocabulary entry");

        var targets = FillMaskTargets.Resolve(tokenizer, ["law", lawEntry, "legibly"]);

        CollectionAssert.AreEqual(new[] { Law, Legibly }, targets.Ids.ToArray(), "tokenized to their first ids, duplicate removed");
        Assert.HasCount(2, targets.Warnings);
        StringAssert.Contains(targets.Warnings[0], "`law` does not exist in the model vocabulary. Replacing with `" + lawEntry + "`");
    }

    [TestMethod]
    public void TargetsThatYieldNoTokenAreAnError()
    {
        var tokenizer = Tokenizer();
        var error = Assert.ThrowsExactly<ArgumentException>(() => FillMaskTargets.Resolve(tokenizer, [""]));
        StringAssert.Contains(error.Message, "At least one target");
    }

    [TestMethod]
    public void SeveralMasksGiveAListPerMaskAndKeepTheOtherMaskInTheSequence()
    {
        var tokenizer = Tokenizer();
        var ids = tokenizer.Encode("The [MASK] of France is [MASK].").InputIds;
        var result = new FillMaskDecoder(tokenizer).Decode(ids, Logits(ids.Count, (Law, 4f)), Vocabulary, topK: 1);

        Assert.HasCount(2, result);
        foreach (var perMask in result)
        {
            Assert.HasCount(1, perMask);
            Assert.AreEqual(Law, perMask[0].TokenId);
            StringAssert.Contains(perMask[0].Sequence, tokenizer.MaskToken, "the other mask stays visible");
            StringAssert.Contains(perMask[0].Sequence, tokenizer.ClsToken, "special tokens are kept with several masks");
        }
        // The tokenizer's own decoding of the special tokens around (v3: "[CLS] The law of France is[MASK] .[SEP]").
        StringAssert.StartsWith(result[0][0].Sequence, "[CLS] The law of France is[MASK]");
        StringAssert.StartsWith(result[1][0].Sequence, "[CLS] The[MASK] of France is law");
    }

    [TestMethod]
    public void MaskRowsAloneDecodeAsTheWholeTextsLogits()
    {
        var tokenizer = Tokenizer();
        var ids = tokenizer.Encode("The [MASK] of France is [MASK].").InputIds;
        var decoder = new FillMaskDecoder(tokenizer);
        var masks = decoder.MaskPositions(ids);
        // Each mask its own winner, so a row read from the wrong position shows.
        var whole = Logits(ids.Count, (7, 1f));
        whole[masks[0] * Vocabulary + Law] = 4f;
        whole[masks[1] * Vocabulary + Legibly] = 5f;
        var maskRows = masks.SelectMany(m => whole.AsSpan(m * Vocabulary, Vocabulary).ToArray()).ToArray();

        var expected = decoder.Decode(ids, whole, Vocabulary, topK: 2);
        var actual = decoder.DecodeAtMasks(ids, maskRows, Vocabulary, topK: 2);

        Assert.AreEqual(Law, actual[0][0].TokenId);
        Assert.AreEqual(Legibly, actual[1][0].TokenId);
        for (int m = 0; m < 2; m++)
            for (int k = 0; k < 2; k++)
            {
                Assert.AreEqual(expected[m][k].TokenId, actual[m][k].TokenId, $"mask {m}, proposition {k}");
                Assert.AreEqual(expected[m][k].Score, actual[m][k].Score, $"mask {m}, proposition {k}");
                Assert.AreEqual(expected[m][k].Sequence, actual[m][k].Sequence, $"mask {m}, proposition {k}");
            }
        var error = Assert.ThrowsExactly<ArgumentException>(() => decoder.DecodeAtMasks(ids, maskRows.AsSpan(0, Vocabulary), Vocabulary));
        StringAssert.Contains(error.Message, "2 masks");
        StringAssert.Contains(error.Message, "one row per mask");
        var noMask = tokenizer.Encode("No mask here.").InputIds;
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => decoder.DecodeAtMasks(noMask, [], Vocabulary)).Message, "No mask token");
    }

    [TestMethod]
    public void PaddingIsLeftOutOfTheSequence()
    {
        var tokenizer = Tokenizer();
        var ids = tokenizer.Encode("The capital of France is [MASK].").InputIds;
        int[] padded = [.. ids, tokenizer.PadTokenId, tokenizer.PadTokenId];
        var decoder = new FillMaskDecoder(tokenizer);

        var plain = decoder.Decode(ids, Logits(ids.Count, (Law, 3f)), Vocabulary, topK: 1);
        var withPadding = decoder.Decode(padded, Logits(padded.Length, (Law, 3f)), Vocabulary, topK: 1);

        Assert.AreEqual(plain[0][0].Sequence, withPadding[0][0].Sequence);
    }

    [TestMethod]
    public void TextWithoutMaskIsAnErrorThatSaysWhatToWrite()
    {
        var tokenizer = Tokenizer();
        var ids = tokenizer.Encode("No mask here.").InputIds;
        var error = Assert.ThrowsExactly<ArgumentException>(() => new FillMaskDecoder(tokenizer).Decode(ids, Logits(ids.Count), Vocabulary));
        StringAssert.Contains(error.Message, "No mask token ([MASK])");
        StringAssert.Contains(error.Message, "write [MASK]");
    }

    [TestMethod]
    public void TopKOutsideTheVocabularyAndShortLogitsAreErrors()
    {
        var tokenizer = Tokenizer();
        var ids = tokenizer.Encode("The capital of France is [MASK].").InputIds;
        var decoder = new FillMaskDecoder(tokenizer);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => decoder.Decode(ids, Logits(ids.Count), Vocabulary, topK: 0));
        var error = Assert.ThrowsExactly<ArgumentException>(() => decoder.Decode(ids, Logits(ids.Count - 1), Vocabulary));
        StringAssert.Contains(error.Message, "pass the (L, V) logits");
    }
}
