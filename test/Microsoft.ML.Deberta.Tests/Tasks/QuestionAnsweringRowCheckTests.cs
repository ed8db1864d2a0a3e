using Microsoft.ML.Deberta.Tasks.QuestionAnswering;
using Microsoft.ML.Deberta.Tests.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tasks;

/// <summary>Bad training rows: each is an error naming the row and what to do, or (mismatched answers, when asked) a skipped row.</summary>
[TestClass]
public sealed class QuestionAnsweringRowCheckTests
{
    private const string Context = "Denver Broncos won Super Bowl 50.";
    private static readonly QuestionAnsweringExample Good = new("Who won?", Context, "Denver Broncos", 0, "q1");
    private static readonly QuestionAnsweringExample Shifted = new("Who won?", Context, "Denver Broncos", 1, "q2");

    private static QuestionAnsweringTrainingSet Build(QuestionAnsweringTrainingOptions? options, params QuestionAnsweringExample[] rows)
        => new QuestionAnsweringFeatureBuilder(V1Tokenizers.Plain).Build(rows, options);

    [TestMethod]
    public void AnAnswerNotAtItsStartNamesTheRowAndTheWayOut()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Build(null, Good, Shifted));
        StringAssert.Contains(e.Message, "Row 1 (id 'q2')");
        StringAssert.Contains(e.Message, "'enver Broncos ' is there");
        StringAssert.Contains(e.Message, "it first occurs at 0");
        StringAssert.Contains(e.Message, "SkipMismatchedAnswers");
    }

    [TestMethod]
    public void SkippedRowsAreCountedAndLeftOut()
    {
        var set = Build(new QuestionAnsweringTrainingOptions { SkipMismatchedAnswers = true }, Good, Shifted, Good with { Id = "q3" });
        CollectionAssert.AreEqual(new[] { 1 }, set.SkippedRows.ToArray());
        CollectionAssert.AreEqual(new[] { 0, 2 }, set.Features.Select(f => f.Row).ToArray());
        Assert.IsTrue(set.Features.All(f => f.ContainsAnswer));
    }

    [TestMethod]
    public void AStartOutsideTheContextOrMissingIsAMismatch()
    {
        var past = Assert.ThrowsExactly<ArgumentException>(() => Build(null, Good with { AnswerStart = 40 }));
        StringAssert.Contains(past.Message, "Row 0 (id 'q1')");
        StringAssert.Contains(past.Message, $"the context has {Context.Length} characters");
        var none = Assert.ThrowsExactly<ArgumentException>(() => Build(null, Good with { AnswerStart = null, Id = null }));
        StringAssert.Contains(none.Message, "Row 0: the answer 'Denver Broncos' has no start offset");
        var absent = Assert.ThrowsExactly<ArgumentException>(() => Build(null, Good with { AnswerText = "Carolina" }));
        StringAssert.Contains(absent.Message, "does not occur in the context at all");
    }

    [TestMethod]
    public void ACodePointStartIsRecognisedInTheMessage()
    {
        // "😀 Paris": the emoji is one code point but two UTF-16 units, so SQuAD's 2 is .NET's 3.
        var row = new QuestionAnsweringExample("Where?", "😀 Paris", "Paris", 2);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Build(null, row));
        StringAssert.Contains(e.Message, "code-point (Python) index, convert it with CodePointIndex.ToUtf16");
        var feature = Build(null, row with { AnswerStart = 3 }).Features[0];
        var startToken = feature.Window.Offsets[feature.StartPosition];
        Assert.IsTrue(startToken.Start <= 3 && 3 < startToken.End, $"the start token {startToken} holds the answer's first character");
    }

    [TestMethod]
    public void AnEmptyContextNamesTheRowBeforeAnyRowIsTokenized()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Build(null, Good, Good with { Context = "", AnswerText = "", Id = "q9" }));
        StringAssert.Contains(e.Message, "Row 1 (id 'q9') has an empty context");
    }

    [TestMethod]
    public void AQuestionThatLeavesNoRoomNamesTheRow()
    {
        // "Who won?" is 3 tokens; with [CLS] and two [SEP] a window of 6 has no room for the context.
        var e = Assert.ThrowsExactly<ArgumentException>(() => Build(new QuestionAnsweringTrainingOptions { MaxSeqLength = 6, DocStride = 1 }, Good));
        StringAssert.Contains(e.Message, "Row 0 (id 'q1'): The question takes 3 tokens, which leaves no room for the context");
    }

    [TestMethod]
    public void AStrideAsLongAsTheContextRoomNamesTheRow()
    {
        // Windows of 10 leave 10 − 3 ("Who won?") − 3 = 4 context tokens: a stride of 4 would never move on.
        var e = Assert.ThrowsExactly<ArgumentException>(() => Build(new QuestionAnsweringTrainingOptions { MaxSeqLength = 10, DocStride = 4 }, Good));
        StringAssert.Contains(e.Message, "Row 0 (id 'q1'): Stride 4 must be smaller than the 4 tokens");
    }

    [TestMethod]
    public void AnEmptyQuestionNamesTheRow()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Build(null, Good, Good with { Question = "  " }));
        StringAssert.Contains(e.Message, "Row 1 (id 'q1') has an empty question");
    }
}
