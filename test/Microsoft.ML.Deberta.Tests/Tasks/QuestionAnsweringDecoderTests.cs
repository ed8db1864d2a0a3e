using Microsoft.ML.Deberta.Tasks.QuestionAnswering;
using Microsoft.ML.Deberta.Tests.Tokenization;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tasks;

/// <summary>
/// The 4.x question-answering pipeline's rules on hand-made logits (the golden outputs are replayed in
/// <c>Parity/PipelineParityTests</c>): with every allowed logit 0 but a peak of 20, p(peak) = e²⁰ / (e²⁰ + n − 1)
/// over the n allowed positions (context tokens and [CLS]); question tokens, [SEP] and padding get none.
/// </summary>
[TestClass]
public sealed class QuestionAnsweringDecoderTests
{
    private const string Question = "Who proposed DeBERTa?";
    private const string Context = "DeBERTa was proposed by Pengcheng He";

    private static readonly QuestionAnsweringDecoder Decoder = new(V1Tokenizers.Plain);

    /// <summary>Logits of one window: 0 everywhere except the given peaks.</summary>
    private static float[] Peaks(DebertaEncoding window, params (int Token, float Logit)[] peaks)
    {
        var logits = new float[window.Length];
        foreach ((int token, float logit) in peaks)
            logits[token] = logit;
        return logits;
    }

    private static double Peak(int allowedPositions) => Math.Exp(20) / (Math.Exp(20) + allowedPositions - 1);

    private static (DebertaEncoding Window, int Allowed) Single()
    {
        var windows = Decoder.Encode(Question, Context);
        Assert.HasCount(1, windows);
        CollectionAssert.AreEqual(
            new[] { "[CLS]", "Who", "Ġproposed", "ĠDe", "BER", "Ta", "?", "[SEP]", "De", "BER", "Ta", "Ġwas", "Ġproposed", "Ġby", "ĠPeng", "che", "ng", "ĠHe", "[SEP]" },
            windows[0].Tokens.ToArray());
        return (windows[0], 11 + 1);
    }

    private static IReadOnlyList<AnswerSpan> Answer(DebertaEncoding window, float[] start, float[] end, QuestionAnsweringOptions options)
        => Decoder.Decode(Question, Context, [window], [start], [end], options);

    [TestMethod]
    public void TheBestSpanScoresPStartTimesPEnd()
    {
        var (window, allowed) = Single();
        var answers = Answer(window, Peaks(window, (14, 20)), Peaks(window, (17, 20)), new QuestionAnsweringOptions { AlignToWords = false });
        Assert.HasCount(1, answers);
        Assert.AreEqual(" Pengcheng He", answers[0].Answer, "token offsets: ĠPeng's span starts at its space");
        Assert.AreEqual((23, 36), (answers[0].Start, answers[0].End));
        Assert.AreEqual((0, 14, 17), (answers[0].Window, answers[0].StartToken, answers[0].EndToken));
        Assert.AreEqual(Peak(allowed) * Peak(allowed), answers[0].Score, 1e-6);
    }

    [TestMethod]
    public void AlignToWordsWidensTheSpanToWholeWords()
    {
        var (window, _) = Single();
        float[] start = Peaks(window, (9, 20)), end = Peaks(window, (9, 20)); // "BER" inside the context's "DeBERTa"
        var tokens = Answer(window, start, end, new QuestionAnsweringOptions { AlignToWords = false })[0];
        Assert.AreEqual(("BER", 2, 5), (tokens.Answer, tokens.Start, tokens.End));
        var words = Answer(window, start, end, new QuestionAnsweringOptions())[0];
        Assert.AreEqual(("DeBERTa", 0, 7), (words.Answer, words.Start, words.End), "the default aligns to words");
    }

    [TestMethod]
    public void QuestionTokensAndSeparatorsCannotBeAnswers()
    {
        var (window, _) = Single();
        var answers = Answer(window, Peaks(window, (4, 30), (7, 30), (17, 20)), Peaks(window, (4, 30), (18, 30), (17, 20)), new QuestionAnsweringOptions { AlignToWords = false });
        Assert.AreEqual(" He", answers[0].Answer);
    }

    [TestMethod]
    public void MaxAnswerLengthCountsTokens()
    {
        var (window, _) = Single();
        float[] start = Peaks(window, (8, 20)), end = Peaks(window, (12, 20)); // "DeBERTa was proposed": 5 tokens
        var five = Answer(window, start, end, new QuestionAnsweringOptions { AlignToWords = false, MaxAnswerLength = 5 })[0];
        Assert.AreEqual("DeBERTa was proposed", five.Answer);
        var four = Answer(window, start, end, new QuestionAnsweringOptions { AlignToWords = false, MaxAnswerLength = 4 })[0];
        Assert.AreNotEqual("DeBERTa was proposed", four.Answer);
        Assert.IsLessThanOrEqualTo(3, four.EndToken!.Value - four.StartToken!.Value);
    }

    [TestMethod]
    public void TheNullAnswerIsScoredAtClsWhenAsked()
    {
        var (window, allowed) = Single();
        float[] start = Peaks(window, (0, 20)), end = Peaks(window, (0, 20));
        var with = Answer(window, start, end, new QuestionAnsweringOptions { HandleImpossibleAnswer = true, TopK = 2 });
        Assert.IsTrue(with[0].IsNoAnswer);
        Assert.AreEqual(("", 0, 0), (with[0].Answer, with[0].Start, with[0].End));
        Assert.AreEqual(Peak(allowed) * Peak(allowed), with[0].Score, 1e-6);
        Assert.IsFalse(with[1].IsNoAnswer);
        var without = Answer(window, start, end, new QuestionAnsweringOptions { TopK = 2 });
        Assert.IsTrue(without.All(a => !a.IsNoAnswer && a.Answer.Length > 0), "[CLS] itself is never a span");
    }

    [TestMethod]
    public void TopKReturnsTheBestDistinctAnswersInOrder()
    {
        var (window, _) = Single();
        var answers = Answer(window, Peaks(window, (14, 20), (11, 18)), Peaks(window, (17, 20), (13, 18)), new QuestionAnsweringOptions { TopK = 3, AlignToWords = false });
        Assert.HasCount(3, answers);
        CollectionAssert.AreEqual(answers.OrderByDescending(a => a.Score).ToArray(), answers.ToArray());
        Assert.AreEqual(3, answers.Select(a => a.Answer).Distinct().Count());
        Assert.AreEqual(" Pengcheng He", answers[0].Answer);
    }

    [TestMethod]
    public void EqualAnswersFromSeveralWindowsAddTheirScores()
    {
        string context = string.Join(' ', Enumerable.Repeat("alpha beta gamma delta", 8));
        var options = new QuestionAnsweringOptions { MaxSeqLength = 24, DocStride = 8, AlignToWords = false, TopK = 2 };
        var windows = Decoder.Encode(Question, context, options);
        Assert.IsGreaterThan(2, windows.Count);
        // A context token that both the first and the second window hold (the stride overlap); the other windows point at a "delta".
        int inFirst = Enumerable.Range(0, windows[0].Length).Last(i => windows[0].SequenceIds[i] == 1 && windows[0].Tokens[i] == "Ġgamma");
        int inSecond = Enumerable.Range(0, windows[1].Length).First(i => windows[1].SequenceIds[i] == 1 && windows[1].Offsets[i] == windows[0].Offsets[inFirst]);
        int Delta(DebertaEncoding w) => Enumerable.Range(0, w.Length).First(i => w.SequenceIds[i] == 1 && w.Tokens[i] == "Ġdelta");
        var start = windows.Select((w, k) => Peaks(w, (k == 0 ? inFirst : k == 1 ? inSecond : Delta(w), 20))).ToArray();
        var answers = Decoder.Decode(Question, context, windows, start, start, options);
        var gamma = answers.Single(a => a.Answer == " gamma");
        Assert.AreEqual((0, inFirst), (gamma.Window, gamma.StartToken), "the first window that gave it");
        int Allowed(DebertaEncoding w) => w.SequenceIds.Count(s => s == 1) + 1;
        double expected = Math.Pow(Peak(Allowed(windows[0])), 2) + Math.Pow(Peak(Allowed(windows[1])), 2);
        Assert.AreEqual(expected, gamma.Score, 1e-6, "the two windows' p(start)·p(end) added");
    }

    [TestMethod]
    public void PaddedWindowsScoreAsUnpadded()
    {
        var (window, _) = Single();
        var padded = V1Tokenizers.Plain.Encode(Question, Context, new DebertaEncodeOptions { Padding = DebertaPadding.MaxLength, MaxLength = 32 });
        float[] start = Peaks(window, (14, 20)), end = Peaks(window, (17, 20));
        var options = new QuestionAnsweringOptions { AlignToWords = false };
        var expected = Answer(window, start, end, options)[0];
        var actual = Answer(padded, [.. start, .. new float[32 - window.Length]], [.. end, .. new float[32 - window.Length]], options)[0];
        Assert.AreEqual(expected, actual);
    }

    [TestMethod]
    public void BadInputIsRefusedWithWhatToDo()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Decoder.Encode("", Context)).Message, "The question is empty");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Decoder.Encode(Question, "")).Message, "The context is empty");
        var e = Assert.ThrowsExactly<ArgumentException>(() => Decoder.Encode(string.Join(' ', Enumerable.Repeat("why", 40)), Context, new QuestionAnsweringOptions { MaxSeqLength = 32, DocStride = 4 }));
        StringAssert.Contains(e.Message, "The question takes 40 tokens, which leaves no room for the context in windows of 32 tokens");
        e = Assert.ThrowsExactly<ArgumentException>(() => Decoder.Encode(Question, Context, new QuestionAnsweringOptions { MaxSeqLength = 16, DocStride = 20 }));
        StringAssert.Contains(e.Message, "DocStride (20) is larger than MaxSeqLength (16)");
        var (window, _) = Single();
        float[] logits = new float[window.Length];
        e = Assert.ThrowsExactly<ArgumentException>(() => Answer(window, logits, logits, new QuestionAnsweringOptions { TopK = 0 }));
        StringAssert.Contains(e.Message, "TopK must be at least 1");
        e = Assert.ThrowsExactly<ArgumentException>(() => Answer(window, logits, logits, new QuestionAnsweringOptions { MaxAnswerLength = 0 }));
        StringAssert.Contains(e.Message, "MaxAnswerLength must be at least 1");
        e = Assert.ThrowsExactly<ArgumentException>(() => Answer(window, logits, new float[3], new QuestionAnsweringOptions()));
        StringAssert.Contains(e.Message, "Window 0 has 19 tokens but 19 start and 3 end logits");
        e = Assert.ThrowsExactly<ArgumentException>(() => Decoder.Decode(Question, Context, [window], [], [], null));
        StringAssert.Contains(e.Message, "1 window(s) but 0 start and 0 end logits array(s)");
    }
}
