using Microsoft.ML.Deberta.Tasks.QuestionAnswering;
using Microsoft.ML.Deberta.Tests.Tokenization;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tasks;

/// <summary>
/// Training labels as run_qa.py's <c>prepare_train_features</c> makes them. The rule, applied by hand to the offsets
/// each test lists: a window labels the answer only if its first context token starts at or before the answer's first
/// character and its last context token ends at or after the answer's end; then the start is the last context token
/// whose offset starts at or before the answer's first character, the end the token after the last one, scanning back
/// from the window's last context token, whose end is still at or past the answer's end. Otherwise both sit at [CLS] (0).
/// </summary>
[TestClass]
public sealed class QuestionAnsweringFeatureTests
{
    // one two three four five six seven eight nine ten
    // 0   4   8     14   19   24  28    34    40   45  (48)
    private const string Context = "one two three four five six seven eight nine ten";
    private static readonly QuestionAnsweringTrainingOptions Narrow = new() { MaxSeqLength = 12, DocStride = 2 };

    private static QuestionAnsweringTrainingSet Build(DebertaTokenizerBase tokenizer, params QuestionAnsweringExample[] rows)
        => new QuestionAnsweringFeatureBuilder(tokenizer).Build(rows, Narrow);

    private static QuestionAnsweringExample Answer(string text) => new("Who?", Context, text, Context.IndexOf(text, StringComparison.Ordinal));

    private static (int, int)[] Labels(QuestionAnsweringTrainingSet set) => [.. set.Features.Select(f => (f.StartPosition, f.EndPosition))];

    /// <summary>
    /// v1, 12 tokens with "[CLS] Who ? [SEP]" and a final [SEP] leave 7 context tokens; a stride of 2 starts the second
    /// window 2 tokens before the first one's end: window 0 holds one(0,3) Ġtwo(3,7) Ġthree(7,13) Ġfour(13,18)
    /// Ġfive(18,23) Ġsix(23,27) Ġseven(27,33) at 4…10, window 1 Ġsix(23,27) Ġseven(27,33) Ġeight(33,39) Ġnine(39,44)
    /// Ġten(44,48) at 4…8.
    /// </summary>
    [TestMethod]
    public void TheWindowsAreTheDecodersWindows()
    {
        var set = Build(V1Tokenizers.Plain, Answer("one"));
        Assert.HasCount(2, set.Features);
        CollectionAssert.AreEqual(new[] { "[CLS]", "Who", "?", "[SEP]", "one", "Ġtwo", "Ġthree", "Ġfour", "Ġfive", "Ġsix", "Ġseven", "[SEP]" },
            set.Features[0].Window.Tokens.ToArray());
        CollectionAssert.AreEqual(new[] { "[CLS]", "Who", "?", "[SEP]", "Ġsix", "Ġseven", "Ġeight", "Ġnine", "Ġten", "[SEP]" },
            set.Features[1].Window.Tokens.ToArray());
        Assert.IsTrue(set.Features.All(f => f.Row == 0 && f.ClsIndex == 0));
        Assert.IsEmpty(set.SkippedRows);
    }

    [TestMethod]
    public void AnAnswerAtTheVeryStartOfTheContext()
    {
        // "one" [0,3): window 0 starts at 0 ≤ 0 and ends at 33 ≥ 3; start: one(0) ≤ 0, Ġtwo(3) > 0 → 4; end: scanning
        // back, Ġtwo ends 7 ≥ 3, one ends 3 ≥ 3, [SEP] ends 0 < 3 → 4. Window 1 starts at 23 > 0 → [CLS].
        CollectionAssert.AreEqual(new[] { (4, 4), (0, 0) }, Labels(Build(V1Tokenizers.Plain, Answer("one"))));
    }

    [TestMethod]
    public void AnAnswerAtTheVeryEndOfTheContextStopsAtTheLastContextToken()
    {
        // "ten" [45,48): window 0 ends at 33 < 48 → [CLS]. Window 1: 23 ≤ 45, 48 ≥ 48; every context token starts
        // ≤ 45, so the start scan reaches the last context token, 8 (run_qa.py's would run on into [SEP], whose (0, 0)
        // passes, and label 9, the [SEP]); end: Ġten ends 48 ≥ 48, Ġnine ends 44 < 48 → 8.
        CollectionAssert.AreEqual(new[] { (0, 0), (8, 8) }, Labels(Build(V1Tokenizers.Plain, Answer("ten"))));
    }

    [TestMethod]
    public void AnswersAtTheWindowEdgesAreLabelledInEveryWindowThatHoldsThem()
    {
        // "six seven" [24,33): window 0 (0 ≤ 24, 33 ≥ 33): start Ġsix(23) ≤ 24 < Ġseven(27) → 9; end: Ġseven ends
        // 33 ≥ 33, Ġsix ends 27 < 33 → 10 (the window's last context token). Window 1 (23 ≤ 24, 48 ≥ 33): start 4,
        // end: Ġten 48, Ġnine 44, Ġeight 39, Ġseven 33 all ≥ 33, Ġsix 27 < 33 → 5.
        CollectionAssert.AreEqual(new[] { (9, 10), (4, 5) }, Labels(Build(V1Tokenizers.Plain, Answer("six seven"))));
        // "four five six" [14,27): window 0: start Ġfour(13) ≤ 14 < Ġfive(18) → 7; end: Ġseven 33, Ġsix 27 ≥ 27,
        // Ġfive 23 < 27 → 9. Window 1 starts at 23 > 14 → [CLS].
        CollectionAssert.AreEqual(new[] { (7, 9), (0, 0) }, Labels(Build(V1Tokenizers.Plain, Answer("four five six"))));
    }

    [TestMethod]
    public void AnAnswerSplitAcrossWindowsIsLabelledAtClsWhereItIsNotWhole()
    {
        // "five six seven eight" [19,39): window 0 ends at 33 < 39, window 1 starts at 23 > 19 → [CLS] in both.
        var split = Build(V1Tokenizers.Plain, Answer("five six seven eight"));
        CollectionAssert.AreEqual(new[] { (0, 0), (0, 0) }, Labels(split));
        Assert.IsFalse(split.Features.Any(f => f.ContainsAnswer));
        // "seven eight" [28,39): window 0 ends at 33 < 39 → [CLS]; window 1: start Ġseven(27) ≤ 28 < Ġeight(33) → 5;
        // end: Ġten 48, Ġnine 44, Ġeight 39 ≥ 39, Ġseven 33 < 39 → 6.
        CollectionAssert.AreEqual(new[] { (0, 0), (5, 6) }, Labels(Build(V1Tokenizers.Plain, Answer("seven eight"))));
    }

    [TestMethod]
    public void UnanswerableRowsAreLabelledAtClsInEveryWindow()
    {
        var set = Build(V1Tokenizers.Plain, new QuestionAnsweringExample("Who?", Context, "", null), new QuestionAnsweringExample("Who?", Context, null, 7));
        CollectionAssert.AreEqual(new[] { (0, 0), (0, 0), (0, 0), (0, 0) }, Labels(set));
        CollectionAssert.AreEqual(new[] { 0, 0, 1, 1 }, set.Features.Select(f => f.Row).ToArray());
    }

    [TestMethod]
    public void TheQuestionIsLeftStrippedAsRunQaDoes()
    {
        var stripped = Build(V1Tokenizers.Plain, new QuestionAnsweringExample("  \tWho?", Context, "one", 0));
        CollectionAssert.AreEqual(Build(V1Tokenizers.Plain, Answer("one")).Features[0].Window.InputIds.ToArray(),
            stripped.Features[0].Window.InputIds.ToArray());
    }

    /// <summary>
    /// v3 (the test vocabulary is small, so words split into pieces): the question takes "[CLS] ▁ W h o ? [SEP]", leaving
    /// 4 context tokens per window at 7…10, windows 2 apart; the first is ▁one(0,3) ▁two(3,7) ▁three(7,13) ▁f(13,15),
    /// the last e(43,44) ▁(44,45) te(45,47) n(47,48).
    /// </summary>
    [TestMethod]
    public void V3AnswersAtTheStartAndTheEndOverManyWindows()
    {
        // "one" [0,3): window 0: start ▁one(0) ≤ 0 < ▁two(3) → 7; end: ▁f 15, ▁three 13, ▁two 7, ▁one 3 ≥ 3, [SEP] 0 → 7.
        // Every later window starts past 0 → [CLS].
        var start = Labels(Build(V2Tokenizers.V3, Answer("one")));
        Assert.AreEqual((7, 7), start[0]);
        Assert.IsTrue(start.Skip(1).All(l => l == (0, 0)));
        // "ten" [45,48): only the last window ends at 48; start: e(43), ▁(44), te(45) ≤ 45 < n(47) → 9; end: n ends
        // 48 ≥ 48, te ends 47 < 48 → 10. The window before ends at 45 < 48 → [CLS].
        var end = Labels(Build(V2Tokenizers.V3, Answer("ten")));
        Assert.AreEqual((9, 10), end[^1]);
        Assert.IsTrue(end.SkipLast(1).All(l => l == (0, 0)));
    }

    /// <summary>
    /// run_qa.py reads the fast tokenizer's offsets, so the labels follow them: in "Paris  is big" (two spaces) the
    /// fast span of ▁is is (6,9), the last space and the word, where sentencepiece's is (5,9), both spaces.
    /// </summary>
    [TestMethod]
    public void V3LabelsUseTheFastTokenizersOffsets()
    {
        const string context = "Paris  is big";
        var set = new QuestionAnsweringFeatureBuilder(V2Tokenizers.V3).Build([new QuestionAnsweringExample("Who?", context, "  is", 5)]);
        var window = set.Features[0].Window;
        CollectionAssert.AreEqual(new[] { "▁P", "ar", "i", "s", "▁is", "▁b", "i", "g" }, window.Tokens.Skip(7).Take(8).ToArray());
        var byDefault = V2Tokenizers.V3.Encode("Who?", context);
        CollectionAssert.AreEqual(byDefault.InputIds.ToArray(), window.InputIds.ToArray());
        Assert.AreEqual(new TokenOffset(5, 9), byDefault.Offsets[11], "the tokenizer keeps sentencepiece's span by default");
        Assert.AreEqual(new TokenOffset(6, 9), window.Offsets[11], "the feature's window carries the fast tokenizer's span");
        // "  is" [5,9): start: s(4) ≤ 5 < ▁is(6, fast) → 10 (with sentencepiece's 5 ≤ 5 it would be 11); end: g 13,
        // i 12, ▁b 11, ▁is 9 ≥ 9, s 5 < 9 → 11.
        Assert.AreEqual((10, 11), (set.Features[0].StartPosition, set.Features[0].EndPosition));
    }

    [TestMethod]
    public void LabelledTokensCoverTheAnswerInTheDecodersOffsets()
    {
        // Whatever the window, the labelled start token begins at or before the answer and the end token ends at or
        // after it, in the offsets the decoder answers with (fast convention for v3, whose small test vocabulary needs
        // wider windows: 20 − 6 − 3 = 11 context tokens, 6 shared, so every answer of up to 7 tokens is whole in one).
        string[] answers = ["one", "two three", "five six", "seven", "nine", "ten"];
        var wide = new QuestionAnsweringTrainingOptions { MaxSeqLength = 20, DocStride = 6 };
        foreach ((DebertaTokenizerBase tokenizer, QuestionAnsweringTrainingOptions options) in new[] { (V1Tokenizers.Plain, Narrow), ((DebertaTokenizerBase)V2Tokenizers.V3, wide) })
            foreach (string answer in answers)
            {
                var row = Answer(answer);
                int labelled = 0;
                foreach (var feature in new QuestionAnsweringFeatureBuilder(tokenizer).Build([row], options).Features.Where(f => f.ContainsAnswer))
                {
                    Assert.IsTrue(feature.Window.HasFastTokenizerOffsets, "the windows carry the fast tokenizer's offsets");
                    var offsets = feature.Window.Offsets;
                    Assert.IsTrue(offsets[feature.StartPosition].Start <= row.AnswerStart
                        && offsets[feature.EndPosition].End >= row.AnswerStart + answer.Length
                        && feature.StartPosition <= feature.EndPosition, $"{tokenizer.GetType().Name} '{answer}'");
                    labelled++;
                }
                Assert.IsGreaterThan(0, labelled, $"{tokenizer.GetType().Name}: some window holds '{answer}'");
            }
    }
}
