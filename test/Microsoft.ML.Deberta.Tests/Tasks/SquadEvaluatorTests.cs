using Microsoft.ML.Deberta.Tasks.QuestionAnswering;

namespace Microsoft.ML.Deberta.Tests.Tasks;

/// <summary>
/// The official SQuAD v2.0 evaluation script's normalisation and scores, on examples worked by hand (the steps are in
/// the comments: lower → drop string.punctuation → articles to " " → squeeze whitespace).
/// </summary>
[TestClass]
public sealed class SquadEvaluatorTests
{
    [TestMethod]
    public void NormalisationLowersDropsPunctuationAndArticlesAndSqueezesWhitespace()
    {
        // "The Quick, brown fox!" → "the quick, brown fox!" → "the quick brown fox" → "  quick brown fox" → "quick brown fox"
        Assert.AreEqual("quick brown fox", SquadNormalizer.Normalize("The Quick, brown fox!"));
        // Punctuation goes first, so "the-end" becomes the one word "theend" and keeps its article; "a.b" becomes "ab".
        Assert.AreEqual("theend ab", SquadNormalizer.Normalize("The-end a.b"));
        // Articles only as whole words: "another theater" keeps its "an" and "the"; "a b a" → " b " → "b".
        Assert.AreEqual("another theater", SquadNormalizer.Normalize("another theater"));
        Assert.AreEqual("b", SquadNormalizer.Normalize("a b a"));
        Assert.AreEqual("", SquadNormalizer.Normalize("The  an A"));
    }

    [TestMethod]
    public void PunctuationIsPythonsStringPunctuationOnly()
    {
        Assert.AreEqual(32, SquadNormalizer.Punctuation.Length);
        Assert.AreEqual("", SquadNormalizer.Normalize("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"));
        // Typographic quotes and dashes are not in string.punctuation: "“hi” — yes" stays as it is.
        Assert.AreEqual("“hi” — yes", SquadNormalizer.Normalize("“Hi” — yes"));
    }

    [TestMethod]
    public void WordBoundariesAndWhitespaceArePythons()
    {
        // \w is a letter, number or "_": "the²" is one word (² is a number), so it stays; "café the" loses "the".
        Assert.AreEqual("the²", SquadNormalizer.Normalize("the² a"));
        Assert.AreEqual("café", SquadNormalizer.Normalize("café the"));
        // A combining accent (Mn) is no word character to Python: "the\u0301" → " \u0301" → "\u0301".
        Assert.AreEqual("\u0301", SquadNormalizer.Normalize("the\u0301"));
        // str.split() splits at U+001F (a separator to Python, not to .NET's IsWhiteSpace) and at no-break space.
        Assert.AreEqual("x y z", SquadNormalizer.Normalize("x\u001Fy\u00A0z"));
        CollectionAssert.AreEqual(new[] { "x", "y", "z" }, SquadNormalizer.Tokens(" x\t\ny  z ").ToArray());
        Assert.IsEmpty(SquadNormalizer.Tokens(""));
    }

    [TestMethod]
    public void F1CountsSharedTokensWithMultiplicity()
    {
        // gold [cat sat on mat], predicted [cat on mat mat]: Counter & gives cat 1, on 1, mat min(1, 2) = 1 → 3 shared;
        // precision 3/4, recall 3/4, F1 = 2·¾·¾ / (¾ + ¾) = 0.75.
        Assert.AreEqual(0.75, SquadAnswerScore.F1("The cat sat on the mat.", "cat on mat mat"), 1e-12);
        // gold [denver broncos], predicted [denver broncos team]: 2 shared; precision 2/3, recall 1,
        // F1 = 2·(2/3)·1 / (2/3 + 1) = (4/3) / (5/3) = 0.8.
        Assert.AreEqual(0.8, SquadAnswerScore.F1("Denver Broncos", "the Denver Broncos team"), 1e-12);
        Assert.AreEqual(0.0, SquadAnswerScore.F1("Denver Broncos", "Carolina Panthers"));
        Assert.AreEqual(0, SquadAnswerScore.ExactMatch("Denver Broncos", "the Denver Broncos team"));
        Assert.AreEqual(1, SquadAnswerScore.ExactMatch("Denver Broncos", "the denver broncos."));
    }

    [TestMethod]
    public void EmptyAnswersScoreOneOnlyAgainstEmpty()
    {
        // Either side without tokens: int(gold_toks == pred_toks).
        Assert.AreEqual(1.0, SquadAnswerScore.F1("", ""));
        Assert.AreEqual(1.0, SquadAnswerScore.F1("the", ""), "\"the\" normalises to no tokens");
        Assert.AreEqual(0.0, SquadAnswerScore.F1("x", ""));
        Assert.AreEqual(0.0, SquadAnswerScore.F1("", "x"));
        Assert.AreEqual(1, SquadAnswerScore.ExactMatch("", "A."));
    }

    [TestMethod]
    public void TheBestGoldAnswerCountsAndGoldsThatNormaliseToNothingAreDropped()
    {
        // F1 against "Denver Broncos" is 2·½·1/(½+1) = 2/3, against "Broncos" 1: the max is 1, and so is the exact match.
        Assert.AreEqual((1, 1.0), SquadAnswerScore.Best(["Denver Broncos", "Broncos"], "Broncos"));
        // Golds "the" and "a" normalise to "", so they are dropped and [""] stands in: only an empty prediction scores.
        Assert.AreEqual((1, 1.0), SquadAnswerScore.Best(["the", "a"], ""));
        Assert.AreEqual((0, 0.0), SquadAnswerScore.Best(["the", "a"], "Broncos"));
        // SQuAD v2, no gold answers: "" vs "" is 1, any text 0.
        Assert.AreEqual((1, 1.0), SquadAnswerScore.Best([], ""));
        Assert.AreEqual((0, 0.0), SquadAnswerScore.Best([], "Carolina"));
    }

    [TestMethod]
    public void EvaluationAveragesAsPercentagesOverallAndByAnswerability()
    {
        IReadOnlyList<string>[] golds = [["Denver Broncos"], ["Denver Broncos"], [], []];
        string?[] predictions = ["Denver Broncos", "the Denver Broncos team", null, "Carolina"];
        // Per question (EM, F1): (1, 1), (0, 0.8), (1, 1) (null predicts no answer), (0, 0).
        var metrics = SquadEvaluator.Evaluate(golds, predictions);
        // exact = 100·2/4 = 50; f1 = 100·(1 + 0.8 + 1 + 0)/4 = 70.
        Assert.AreEqual(50, metrics.Overall.ExactMatch, 1e-9);
        Assert.AreEqual(70, metrics.Overall.F1, 1e-9);
        Assert.AreEqual(4, metrics.Overall.Total);
        // HasAns: EM 100·1/2 = 50, F1 100·1.8/2 = 90; NoAns: EM and F1 100·1/2 = 50.
        Assert.AreEqual(50, metrics.HasAnswer!.ExactMatch, 1e-9);
        Assert.AreEqual(90, metrics.HasAnswer.F1, 1e-9);
        Assert.AreEqual(2, metrics.HasAnswer.Total);
        Assert.AreEqual(new SquadScores(50, 50, 2), metrics.NoAnswer);
        Assert.IsNull(SquadEvaluator.Evaluate([["x"]], ["x"]).NoAnswer, "no unanswerable questions: no NoAns entry");
    }

    [TestMethod]
    public void MismatchedOrEmptyInputIsAnError()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => SquadEvaluator.Evaluate([["x"], ["y"]], ["x"]));
        StringAssert.Contains(e.Message, "2 question(s) have gold answers but 1 prediction(s)");
        Assert.ThrowsExactly<ArgumentException>(() => SquadEvaluator.Evaluate([], []));
        e = Assert.ThrowsExactly<ArgumentException>(() => SquadEvaluator.Evaluate([null!], ["x"]));
        StringAssert.Contains(e.Message, "Question 0 has a null gold list");
    }
}
