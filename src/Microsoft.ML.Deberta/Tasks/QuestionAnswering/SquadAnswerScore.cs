namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>The per-question scores of the official SQuAD v2.0 evaluation script, on <see cref="SquadNormalizer"/>'s normal form.</summary>
public static class SquadAnswerScore
{
    /// <summary><c>compute_exact</c>: 1 when the normalised texts are equal, else 0.</summary>
    public static int ExactMatch(string gold, string predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        return SquadNormalizer.Normalize(gold) == SquadNormalizer.Normalize(predicted) ? 1 : 0;
    }

    /// <summary>
    /// <c>compute_f1</c>: the harmonic mean of token precision and recall, tokens shared counted with multiplicity
    /// (a Counter intersection); when either side has no tokens, 1 if both have none and 0 otherwise.
    /// </summary>
    public static double F1(string gold, string predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        IReadOnlyList<string> goldTokens = SquadNormalizer.Tokens(gold), predictedTokens = SquadNormalizer.Tokens(predicted);
        if (goldTokens.Count == 0 || predictedTokens.Count == 0)
            return goldTokens.Count == predictedTokens.Count ? 1 : 0;
        var remaining = goldTokens.GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        int same = 0;
        foreach (string token in predictedTokens)
            if (remaining.TryGetValue(token, out int left) && left > 0)
            {
                remaining[token] = left - 1;
                same++;
            }
        if (same == 0)
            return 0;
        double precision = (double)same / predictedTokens.Count, recall = (double)same / goldTokens.Count;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>
    /// <c>get_raw_scores</c> for one question: the best exact match and F1 over the gold answers whose normal form is
    /// not empty, or against "" when there is none (SQuAD v2: an empty prediction for an unanswerable question scores 1).
    /// </summary>
    public static (int ExactMatch, double F1) Best(IReadOnlyList<string> goldAnswers, string predicted)
    {
        ArgumentNullException.ThrowIfNull(goldAnswers);
        ArgumentNullException.ThrowIfNull(predicted);
        string[] golds = [.. goldAnswers.Where(a => a is not null && SquadNormalizer.Normalize(a).Length > 0)];
        if (golds.Length == 0)
            golds = [""];
        return (golds.Max(a => ExactMatch(a, predicted)), golds.Max(a => F1(a, predicted)));
    }
}
