using Microsoft.ML.Deberta.Tasks.TokenClassification;

namespace Microsoft.ML.Deberta.Tests.Tasks;

/// <summary>
/// Entity-level evaluation against seqeval's own documented examples (the docstrings of
/// <c>seqeval/metrics/sequence_labeling.py</c> and its <c>tests/test_metrics.py</c>).
/// </summary>
[TestClass]
public sealed class EntityEvaluatorTests
{
    private static readonly string[][] Gold = [["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]];
    private static readonly string[][] Predicted = [["O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]];

    [TestMethod]
    public void EntitiesAreReadAsSeqevalReadsThem()
    {
        CollectionAssert.AreEqual(new[] { new EntityChunk("PER", 0, 1), new EntityChunk("LOC", 3, 3) },
            EntityChunker.Chunks(["B-PER", "I-PER", "O", "B-LOC"]).ToArray());
        CollectionAssert.AreEqual(new[] { new EntityChunk("MISC", 3, 5), new EntityChunk("PER", 7, 8) },
            EntityChunker.Chunks(["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O", "B-PER", "I-PER"]).ToArray());
        // test_get_entities_with_only_IOB: sentences are joined with an O after each.
        CollectionAssert.AreEqual(new[] { new EntityChunk("_", 3, 5), new EntityChunk("_", 8, 9) },
            EntityChunker.Chunks([["O", "O", "O", "B", "I", "I", "O"], ["B", "I", "O"]]).ToArray());
    }

    [TestMethod]
    public void ScoresAreTheDocumentedOnes()
    {
        var metrics = EntityEvaluator.Evaluate(Gold, Predicted);
        // precision_score, recall_score, f1_score: 0.50; accuracy_score: 0.80.
        Assert.AreEqual(new EntityTypeScores(0.5, 0.5, 0.5, 2), metrics.Micro);
        Assert.AreEqual(0.8, metrics.TokenAccuracy, 1e-12);
        // classification_report: MISC 0.00 0.00 0.00 1, PER 1.00 1.00 1.00 1, macro avg F1 0.50.
        CollectionAssert.AreEqual(new[] { "MISC", "PER" }, metrics.PerType.Keys.ToArray());
        Assert.AreEqual(new EntityTypeScores(0, 0, 0, 1), metrics.PerType["MISC"]);
        Assert.AreEqual(new EntityTypeScores(1, 1, 1, 1), metrics.PerType["PER"]);
        Assert.AreEqual(0.5, metrics.MacroF1, 1e-12);
    }

    [TestMethod]
    public void AnIAfterOStartsAnEntityAndNothingPredictedScoresZero()
    {
        var lenient = EntityEvaluator.Evaluate([["O", "B-PER", "I-PER"]], [["O", "I-PER", "I-PER"]]);
        Assert.AreEqual(1.0, lenient.Micro.F1, "CoNLL semantics: I-PER after O begins the same PER entity");
        var none = EntityEvaluator.Evaluate([["B-LOC"]], [["O"]]);
        Assert.AreEqual(new EntityTypeScores(0, 0, 0, 1), none.Micro);
    }

    [TestMethod]
    public void MismatchedShapesAreRefused()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => EntityEvaluator.Evaluate(Gold, [Predicted[0]]));
        StringAssert.Contains(e.Message, "2 gold sentence(s) but 1 predicted");
        e = Assert.ThrowsExactly<ArgumentException>(() => EntityEvaluator.Evaluate(Gold, [Predicted[0], ["B-PER"]]));
        StringAssert.Contains(e.Message, "Sentence 1 has 3 gold tag(s) but 1 predicted");
        e = Assert.ThrowsExactly<ArgumentException>(() => EntityEvaluator.Evaluate([["O", ""]], [["O", "O"]]));
        StringAssert.Contains(e.Message, "Tag 1 is empty");
    }
}
