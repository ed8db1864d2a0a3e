using Microsoft.ML.Deberta.Tasks.TokenClassification;
using Microsoft.ML.Deberta.Tests.Tokenization;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tasks;

/// <summary>
/// Word-level NER (the ML.NET convention: one label per whitespace-separated word): labels onto tokens as
/// transformers' run_ner.py aligns them, and one prediction per word read at the word's first token.
/// </summary>
[TestClass]
public sealed class WordLevelTests
{
    private static readonly string[] Labels = ["O", "B-ENT", "I-ENT"];
    private static readonly string[] Words = ["DeBERTa", "improves", "BERT"];

    private static DebertaEncoding Encode(IReadOnlyList<string> words, DebertaEncodeOptions? options = null)
        => V1Tokenizers.WithPrefixSpace.EncodeWords(words, options);

    [TestMethod]
    public void TheFirstTokenOfAWordCarriesItsLabel()
    {
        var encoding = Encode(Words);
        CollectionAssert.AreEqual(new[] { "[CLS]", "ĠDe", "BER", "Ta", "Ġimproves", "ĠB", "ERT", "[SEP]" }, encoding.Tokens.ToArray());
        CollectionAssert.AreEqual(new[] { -100, 1, -100, -100, 0, 1, -100, -100 }, WordLabelAligner.Align(encoding, [1, 0, 1]));
        CollectionAssert.AreEqual(new[] { -100, 1, 2, 2, 0, 1, 2, -100 }, WordLabelAligner.Align(encoding, [1, 0, 1], labelAllTokens: true, Labels),
            "label_all_tokens: the other tokens get the label, B- turned into I-");
        var padded = Encode(Words, new DebertaEncodeOptions { Padding = DebertaPadding.MaxLength, MaxLength = 10 });
        CollectionAssert.AreEqual(new[] { -100, 1, -100, -100, 0, 1, -100, -100, -100, -100 }, WordLabelAligner.Align(padded, [1, 0, 1]), "pads are ignored");
    }

    [TestMethod]
    public void AlignmentRefusesMissingLabels()
    {
        var encoding = Encode(Words);
        var e = Assert.ThrowsExactly<ArgumentException>(() => WordLabelAligner.Align(encoding, [1, 0]));
        StringAssert.Contains(e.Message, "belongs to word 2, but only 2 word label(s) were given");
        e = Assert.ThrowsExactly<ArgumentException>(() => WordLabelAligner.Align(encoding, [1, 0, 7], labelAllTokens: true, Labels));
        StringAssert.Contains(e.Message, "Word 2 has label 7, which is not an id of the 3 labels");
        Assert.ThrowsExactly<ArgumentNullException>(() => WordLabelAligner.Align(encoding, [1, 0, 1], labelAllTokens: true));
    }

    /// <summary>Logits that make every first token of word w say label w % 3 and every other token say label (w + 1) % 3.</summary>
    private static float[] Logits(DebertaEncoding window, Func<int, int, int>? labelOf = null)
    {
        var logits = new float[window.Length * Labels.Length];
        for (int i = 0; i < window.Length; i++)
        {
            if (window.WordIds[i] is not int word)
                continue;
            bool first = window.Offsets[i].Start == 0;
            int label = labelOf?.Invoke(word, i) ?? (first ? word % 3 : (word + 1) % 3);
            logits[i * Labels.Length + label] = 5f;
        }
        return logits;
    }

    [TestMethod]
    public void EveryWordIsReadAtItsFirstTokenAcrossWindows()
    {
        string[] words = [.. Enumerable.Range(0, 30).Select(i => i % 2 == 0 ? "DeBERTa" : "improves")];
        var first = Encode(words, new DebertaEncodeOptions { MaxLength = 16, Stride = 4, ReturnOverflowingTokens = true, Truncation = DebertaTruncation.LongestFirst });
        DebertaEncoding[] windows = [first, .. first.Overflowing];
        Assert.IsGreaterThan(3, windows.Length);
        var predictions = WordPredictionDecoder.Decode(windows, [.. windows.Select(w => Logits(w))], Labels.Length, words.Length);
        CollectionAssert.AreEqual(Enumerable.Range(0, words.Length).Select(w => w % 3).ToArray(), predictions.Select(p => p.LabelId).ToArray());
        float expected = MathF.Exp(5) / (MathF.Exp(5) + 2);
        Assert.IsTrue(predictions.All(p => Math.Abs(p.Score - expected) < 1e-6), "the score is the label's softmax probability");
    }

    [TestMethod]
    public void AWordInTwoWindowsIsReadWhereItHasMoreContext()
    {
        string[] words = [.. Enumerable.Range(0, 12).Select(_ => "improves")]; // one token per word
        var first = Encode(words, new DebertaEncodeOptions { MaxLength = 10, Stride = 4, ReturnOverflowingTokens = true, Truncation = DebertaTruncation.LongestFirst });
        DebertaEncoding[] windows = [first, .. first.Overflowing];
        // Window 0 holds words 0-7, window 1 words 4-11: word 6 sits 1 token from window 0's end, 2 from window 1's start.
        Assert.AreEqual(4, windows[1].WordIds[1]);
        var predictions = WordPredictionDecoder.Decode(windows, [Logits(windows[0], (_, _) => 1), Logits(windows[1], (_, _) => 2)], Labels.Length, words.Length);
        Assert.AreEqual(1, predictions[5].LabelId, "word 5: 2 tokens of context on its narrower side in window 0, 1 in window 1");
        Assert.AreEqual(2, predictions[6].LabelId, "word 6: 1 token of context on its narrower side in window 0, 2 in window 1");
    }

    [TestMethod]
    public void AWordNoWindowHoldsIsAnError()
    {
        string[] words = [.. Enumerable.Range(0, 12).Select(_ => "improves")];
        var truncated = Encode(words, new DebertaEncodeOptions { MaxLength = 10, Truncation = DebertaTruncation.LongestFirst });
        var e = Assert.ThrowsExactly<ArgumentException>(() => WordPredictionDecoder.Decode([truncated], [Logits(truncated)], Labels.Length, words.Length));
        StringAssert.Contains(e.Message, "Word 8 has no first token in any window");
        e = Assert.ThrowsExactly<ArgumentException>(() => WordPredictionDecoder.Decode([truncated], [new float[3]], Labels.Length, words.Length));
        StringAssert.Contains(e.Message, "Window 0 has 10 tokens, so its logits need 30 values, not 3");
    }
}
