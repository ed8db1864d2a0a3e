using Microsoft.ML.Deberta.Tests.Tokenization;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>The long-text strategies on the v1 tokenizer, checked against the tokenizer's own truncation and windows.</summary>
[TestClass]
public sealed class ExampleEncoderTests
{
    private static DebertaTokenizer? _tokenizer;

    private static DebertaTokenizer Tokenizer => _tokenizer ??= DebertaTokenizer.FromFolder(GoldenData.Bundled("tokenizer", "deberta-v1"));

    private static string Long(int sentences, string topic) => string.Join(" ",
        Enumerable.Range(0, sentences).Select(i => $"Sentence {i} is about {topic}, and it goes on for a while."));

    private static readonly string[] Texts =
    [
        "Short text.",
        Long(12, "the weather"),
        "",
        Long(30, "a long trip to the mountains"),
        "Another short one [SEP] with a special token written in it.",
    ];

    private static void AssertSame(DebertaEncoding expected, EncodedExample actual, int row, string what)
    {
        CollectionAssert.AreEqual(expected.InputIds.ToArray(), actual.InputIds, $"{what}: ids");
        CollectionAssert.AreEqual(expected.TokenTypeIds.ToArray(), actual.TokenTypeIds, $"{what}: token types");
        Assert.AreEqual(row, actual.SourceIndex, $"{what}: source row");
    }

    [TestMethod]
    public void TruncateMatchesTheTokenizersLongestFirstTruncation()
    {
        var examples = ExampleEncoder.Encode(Tokenizer, Texts, null, 32, LongTextStrategy.Truncate, stride: 0);
        var expected = Tokenizer.EncodeBatch(Texts, new DebertaEncodeOptions { MaxLength = 32, Truncation = DebertaTruncation.LongestFirst });
        Assert.HasCount(Texts.Length, examples);
        for (int i = 0; i < Texts.Length; i++) AssertSame(expected[i], examples[i], i, $"text {i}");
        Assert.AreEqual(32, examples[1].InputIds.Length);
        Assert.IsTrue(examples.All(e => e.TokenTypeIds.All(t => t == 0)));

        // Pairs (some rows without a second text): longest_first over both.
        string?[] pairs = [Long(5, "food"), null, "x", Long(2, "cats"), ""];
        var pairExamples = ExampleEncoder.Encode(Tokenizer, Texts, pairs, 40, LongTextStrategy.Truncate, stride: 0);
        var pairExpected = Tokenizer.EncodeBatch(Texts, pairs, new DebertaEncodeOptions { MaxLength = 40, Truncation = DebertaTruncation.LongestFirst });
        Assert.HasCount(Texts.Length, pairExamples);
        for (int i = 0; i < Texts.Length; i++) AssertSame(pairExpected[i], pairExamples[i], i, $"pair {i}");
        Assert.IsTrue(pairExamples[0].TokenTypeIds.Contains(1));
        Assert.IsFalse(pairExamples[1].TokenTypeIds.Contains(1));
    }

    [TestMethod]
    public void SlidingWindowsMatchTheTokenizersOverflowWindows()
    {
        var examples = ExampleEncoder.Encode(Tokenizer, Texts, null, 24, LongTextStrategy.SlidingWindows, stride: 6);
        var expected = Tokenizer.EncodeBatch(Texts, new DebertaEncodeOptions
        {
            MaxLength = 24, Truncation = DebertaTruncation.LongestFirst, Stride = 6, ReturnOverflowingTokens = true,
        });
        Assert.HasCount(expected.Count, examples);
        Assert.IsGreaterThan(Texts.Length + 5, examples.Count, "the long texts give several windows");
        for (int i = 0; i < expected.Count; i++) AssertSame(expected[i], examples[i], expected[i].SampleIndex, $"window {i}");

        // Consecutive windows of a row share `stride` tokens and together cover the text.
        var full = Tokenizer.Encode(Texts[3]).InputIds.Skip(1).SkipLast(1).ToArray();
        var windows = examples.Where(e => e.SourceIndex == 3).Select(e => e.InputIds[1..^1]).ToList();
        for (int w = 1; w < windows.Count; w++)
            CollectionAssert.AreEqual(windows[w - 1][^6..], windows[w][..6]);
        CollectionAssert.AreEqual(full, windows.SelectMany((w, k) => k == 0 ? w : w[6..]).ToArray());
    }

    [TestMethod]
    public void HeadAndTailKeepsAQuarterHeadAndThreeQuartersTail()
    {
        var examples = ExampleEncoder.Encode(Tokenizer, Texts, null, 42, LongTextStrategy.HeadAndTail, stride: 0);
        Assert.HasCount(Texts.Length, examples);
        for (int i = 0; i < Texts.Length; i++)
        {
            var full = Tokenizer.Encode(Texts[i]).InputIds.ToArray();
            var content = full[1..^1];
            int[] expected = content.Length <= 40
                ? full
                : [Tokenizer.ClsTokenId, .. content[..10], .. content[^30..], Tokenizer.SepTokenId];
            CollectionAssert.AreEqual(expected, examples[i].InputIds, $"text {i}");
            Assert.AreEqual(i, examples[i].SourceIndex);
        }
        Assert.AreEqual(42, examples[3].InputIds.Length);

        // Pairs fall back to longest_first.
        string?[] pairs = [.. Texts.Select(_ => Long(3, "pairs"))];
        var pairExamples = ExampleEncoder.Encode(Tokenizer, Texts, pairs, 42, LongTextStrategy.HeadAndTail, stride: 0);
        var truncated = ExampleEncoder.Encode(Tokenizer, Texts, pairs, 42, LongTextStrategy.Truncate, stride: 0);
        for (int i = 0; i < Texts.Length; i++)
            CollectionAssert.AreEqual(truncated[i].InputIds, pairExamples[i].InputIds);
    }

    [TestMethod]
    public void PairWindowsRunOverTheSecondTextAndRepeatTheFirst()
    {
        string question = "What is the weather like?";
        string longQuestion = Long(4, "a question that is far too long");
        string context = Long(10, "the weather in spring");
        const int maxLength = 40, stride = 8, budget = maxLength - 3;
        var examples = ExampleEncoder.Encode(Tokenizer, [question, longQuestion, "Hi"], [context, context, "there"], maxLength, LongTextStrategy.SlidingWindows, stride);

        var q = Tokenizer.Encode(question).InputIds.ToArray()[1..^1];
        var longQ = Tokenizer.Encode(longQuestion).InputIds.ToArray()[1..^1];
        var c = Tokenizer.Encode(context).InputIds.ToArray()[1..^1];
        Assert.IsGreaterThan(budget / 2, longQ.Length);

        void Check(int row, int[] first, int keepFirst)
        {
            var windows = examples.Where(e => e.SourceIndex == row).ToList();
            Assert.IsGreaterThan(1, windows.Count, $"row {row} needs several windows");
            var seconds = new List<int[]>();
            foreach (var window in windows)
            {
                Assert.IsLessThanOrEqualTo(maxLength, window.InputIds.Length);
                int[] head = [Tokenizer.ClsTokenId, .. first[..keepFirst], Tokenizer.SepTokenId];
                CollectionAssert.AreEqual(head, window.InputIds[..head.Length], $"row {row}: [CLS] A [SEP] in every window");
                Assert.AreEqual(Tokenizer.SepTokenId, window.InputIds[^1]);
                Assert.IsTrue(window.TokenTypeIds[..head.Length].All(t => t == 0) && window.TokenTypeIds[head.Length..].All(t => t == 1));
                seconds.Add(window.InputIds[head.Length..^1]);
            }
            Assert.IsTrue(seconds.Take(seconds.Count - 1).All(s => s.Length == budget - keepFirst), "full windows except the last");
            for (int w = 1; w < seconds.Count; w++)
                CollectionAssert.AreEqual(seconds[w - 1][^stride..], seconds[w][..stride]);
            CollectionAssert.AreEqual(c, seconds.SelectMany((s, k) => k == 0 ? s : s[stride..]).ToArray(), "the windows cover the second text");
        }
        Check(0, q, q.Length);
        Check(1, longQ, budget / 2);
        Assert.HasCount(1, examples.Where(e => e.SourceIndex == 2).ToList(), "a short pair stays one example");
    }

    [TestMethod]
    public void BadArgumentsAreRejected()
    {
        string[] texts = ["a", "b"];
        var e = Assert.Throws<ArgumentException>(() => ExampleEncoder.Encode(Tokenizer, ["a", null!], null, 16, LongTextStrategy.Truncate, 0));
        StringAssert.Contains(e.Message, "texts[1] is null");
        e = Assert.Throws<ArgumentException>(() => ExampleEncoder.Encode(Tokenizer, texts, ["x"], 16, LongTextStrategy.Truncate, 0));
        StringAssert.Contains(e.Message, "2 texts but 1 second texts");
        Assert.Throws<ArgumentOutOfRangeException>(() => ExampleEncoder.Encode(Tokenizer, texts, null, 2, LongTextStrategy.Truncate, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExampleEncoder.Encode(Tokenizer, texts, ["x", null], 3, LongTextStrategy.Truncate, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExampleEncoder.Encode(Tokenizer, texts, null, 16, LongTextStrategy.Truncate, -1));
        var stride = Assert.Throws<ArgumentOutOfRangeException>(() => ExampleEncoder.Encode(Tokenizer, texts, null, 16, LongTextStrategy.SlidingWindows, 14));
        StringAssert.Contains(stride.Message, "smallest window (14 tokens");
        stride = Assert.Throws<ArgumentOutOfRangeException>(() => ExampleEncoder.Encode(Tokenizer, texts, ["x", "y"], 16, LongTextStrategy.SlidingWindows, 7));
        StringAssert.Contains(stride.Message, "smallest window (7 tokens");
        Assert.HasCount(2, ExampleEncoder.Encode(Tokenizer, texts, ["x", "y"], 16, LongTextStrategy.SlidingWindows, 6));
        Assert.Throws<ArgumentException>(() => ExampleEncoder.Encode(Tokenizer, texts, null, 16, (LongTextStrategy)7, 0));
    }
}
