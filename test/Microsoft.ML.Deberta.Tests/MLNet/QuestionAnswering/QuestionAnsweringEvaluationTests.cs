using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.Tests.MLNet.QuestionAnswering;

/// <summary>
/// <c>EvaluateQuestionAnswering</c> on hand-computed examples of the SQuAD script's rules: normalisation (case,
/// punctuation, articles, spaces), token F1, the best over several gold answers, and unanswerable rows.
/// </summary>
[TestClass]
public sealed class QuestionAnsweringEvaluationTests
{
    private sealed class Scored
    {
        [VectorType]
        public string[] Gold { get; set; } = [];

        [VectorType]
        public string[] Answer { get; set; } = [];
    }

    [TestMethod]
    public void ExactMatchAndF1AreTheScriptsBestOverGoldAnswersAveraged()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = new[]
        {
            // "The Eiffel Tower!" normalises to "eiffel tower" = gold: EM 1, F1 1.
            new Scored { Gold = ["Eiffel Tower"], Answer = ["The Eiffel Tower!", "Paris"] },
            // Tokens {in, paris} vs gold {paris}: precision 1/2, recall 1 → F1 2/3; EM 0. The second gold answer
            // "in Paris, France" gives {in, paris, france}: precision 2/2, recall 2/3 → F1 0.8, the best.
            new Scored { Gold = ["Paris", "in Paris, France"], Answer = ["in Paris"] },
            // No shared token: 0 and 0.
            new Scored { Gold = ["1889"], Answer = ["Gustave Eiffel"] },
            // Unanswerable, and the model says so (empty answer): 1 and 1.
            new Scored { Gold = [], Answer = [""] },
        };
        var metrics = mlContext.Deberta().EvaluateQuestionAnswering(mlContext.Data.LoadFromEnumerable(rows), "Gold", "Answer");
        Assert.AreEqual(4, metrics.Overall.Total);
        Assert.AreEqual(100.0 * (1 + 0 + 0 + 1) / 4, metrics.Overall.ExactMatch, 1e-12);
        Assert.AreEqual(100.0 * (1 + 0.8 + 0 + 1) / 4, metrics.Overall.F1, 1e-12);
        Assert.AreEqual(3, metrics.HasAnswer!.Total);
        Assert.AreEqual(100.0 * 1.8 / 3, metrics.HasAnswer.F1, 1e-12);
        Assert.AreEqual(1, metrics.NoAnswer!.Total);
        Assert.AreEqual(100.0, metrics.NoAnswer.ExactMatch, 1e-12);
    }

    [TestMethod]
    public void AScalarGoldColumnIsOneAnswerAndAnEmptyOneMeansUnanswerable()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = new[]
        {
            new QaInput { AnswerText = "an apple a day" }, // normalises to "apple day"
            new QaInput { AnswerText = "" },
        };
        var scored = mlContext.Data.LoadFromEnumerable(rows.Zip(new[] { new[] { "Apple, day." }, new[] { "something" } },
            (r, a) => new { r.AnswerText, Answer = a }).Select(x => new Pair { AnswerText = x.AnswerText, Answer = x.Answer }));
        var metrics = mlContext.Deberta().EvaluateQuestionAnswering(scored);
        Assert.AreEqual(50.0, metrics.Overall.ExactMatch, 1e-12, "row 1 matches after normalisation; row 2 answers an unanswerable question");
        Assert.AreEqual(50.0, metrics.Overall.F1, 1e-12);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mlContext.Deberta().EvaluateQuestionAnswering(scored, "Missing"));
        StringAssert.Contains(e.Message, "'Missing' was not found");
    }

    private sealed class Pair
    {
        public string AnswerText { get; set; } = "";

        [VectorType]
        public string[] Answer { get; set; } = [];
    }
}
