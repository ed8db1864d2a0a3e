namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>
/// Extractive QA evaluation as the official SQuAD v2.0 script computes it (which for questions with answers is also
/// SQuAD v1.1's): per question the best exact match and F1 over its gold answers (<see cref="SquadAnswerScore.Best"/>),
/// averaged and given as percentages, overall and split into questions with and without gold answers.
/// </summary>
public static class SquadEvaluator
{
    /// <summary>Scores <paramref name="predictions"/> against <paramref name="goldAnswers"/>, question by question.</summary>
    /// <param name="goldAnswers">Per question, its gold answer texts; an empty list for an unanswerable question.</param>
    /// <param name="predictions">Per question, the predicted answer; "" (or null) predicts "no answer".</param>
    /// <exception cref="ArgumentException">The lists are empty or differ in length, or a question's gold list is null.</exception>
    public static SquadMetrics Evaluate(IReadOnlyList<IReadOnlyList<string>> goldAnswers, IReadOnlyList<string?> predictions)
    {
        ArgumentNullException.ThrowIfNull(goldAnswers);
        ArgumentNullException.ThrowIfNull(predictions);
        if (goldAnswers.Count != predictions.Count)
            throw new ArgumentException(
                $"{goldAnswers.Count} question(s) have gold answers but {predictions.Count} prediction(s) were given: give one prediction per question, in order.",
                nameof(predictions));
        if (goldAnswers.Count == 0)
            throw new ArgumentException("No questions were given: evaluate at least one.", nameof(goldAnswers));
        var scored = new List<(bool HasAnswer, int ExactMatch, double F1)>(goldAnswers.Count);
        for (int q = 0; q < goldAnswers.Count; q++)
        {
            IReadOnlyList<string> golds = goldAnswers[q]
                ?? throw new ArgumentException($"Question {q} has a null gold list: give an empty list for an unanswerable question.", nameof(goldAnswers));
            (int exact, double f1) = SquadAnswerScore.Best(golds, predictions[q] ?? "");
            scored.Add((golds.Count > 0, exact, f1)); // the script's qid_to_has_ans: bool(qa['answers'])
        }
        return new SquadMetrics(Scores(scored)!, Scores(scored.Where(s => s.HasAnswer).ToList()), Scores(scored.Where(s => !s.HasAnswer).ToList()));
    }

    private static SquadScores? Scores(IReadOnlyList<(bool HasAnswer, int ExactMatch, double F1)> scored)
        => scored.Count == 0 ? null : new SquadScores(100.0 * scored.Sum(s => s.ExactMatch) / scored.Count, 100.0 * scored.Sum(s => s.F1) / scored.Count, scored.Count);
}
