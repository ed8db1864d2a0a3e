using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// Computes a task's metrics from a scored validation view: the key label and the probability vector <c>Score</c>
/// (classification), or the Single label and <c>Score</c> (regression). The same definitions as ML.NET's evaluators
/// (accuracy, macro accuracy = mean per-class recall, log-loss with probabilities clipped at 1e-15, AUC of the
/// second class), plus macro-F1.
/// </summary>
internal static class MetricCalculator
{
    public static ValidationEvaluation Evaluate(IDataView scored, TextAutoMLTask task, string labelColumn, string scoreColumn, IReadOnlyList<string>? classNames)
    {
        var label = scored.Schema[labelColumn];
        var score = scored.Schema[scoreColumn];
        using var cursor = scored.GetRowCursor([label, score]);
        if (task == TextAutoMLTask.Regression)
        {
            var getLabel = cursor.GetGetter<float>(label);
            var getScore = cursor.GetGetter<float>(score);
            List<float> targets = [], predictions = [];
            float t = 0, p = 0;
            while (cursor.MoveNext())
            {
                getLabel(ref t);
                getScore(ref p);
                targets.Add(t);
                predictions.Add(p);
            }
            return new ValidationEvaluation(RegressionMetrics(targets, predictions), null, null, targets, predictions);
        }

        var getKey = cursor.GetGetter<uint>(label);
        var getScores = cursor.GetGetter<VBuffer<float>>(score);
        int classes = classNames!.Count;
        List<int> truth = [], predicted = [];
        List<float[]> probabilities = [];
        uint key = 0;
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            getKey(ref key);
            if (key == 0) continue; // a label value the key mapping never saw: no truth to compare with
            getScores(ref buffer);
            var p = buffer.DenseValues().ToArray();
            truth.Add((int)key - 1);
            predicted.Add(Array.IndexOf(p, p.Max()));
            probabilities.Add(p);
        }
        var matrix = Enumerable.Range(0, classes).Select(_ => new int[classes]).ToArray();
        for (int i = 0; i < truth.Count; i++)
            matrix[truth[i]][predicted[i]]++;
        var metrics = new Dictionary<TextAutoMLMetric, double>
        {
            [TextAutoMLMetric.Accuracy] = ValidationMetrics.Accuracy(truth, predicted),
            [TextAutoMLMetric.MacroF1] = ValidationMetrics.MacroF1(truth, predicted),
            [TextAutoMLMetric.MacroAccuracy] = Enumerable.Range(0, classes).Where(c => matrix[c].Sum() > 0).Select(c => (double)matrix[c][c] / matrix[c].Sum()).DefaultIfEmpty(0).Average(),
            [TextAutoMLMetric.LogLoss] = truth.Count == 0 ? double.NaN : truth.Select((c, i) => -Math.Log(Math.Max(probabilities[i][c], 1e-15))).Average(),
        };
        if (task == TextAutoMLTask.BinaryClassification && classes == 2)
            metrics[TextAutoMLMetric.AreaUnderRocCurve] = AreaUnderRocCurve(truth, [.. probabilities.Select(p => p[1])]);
        return new ValidationEvaluation(metrics, classNames, matrix, null, null);
    }

    private static Dictionary<TextAutoMLMetric, double> RegressionMetrics(List<float> targets, List<float> predictions)
    {
        double mean = targets.Count == 0 ? 0 : targets.Average(v => (double)v);
        double residual = targets.Select((t, i) => Math.Pow((double)predictions[i] - t, 2)).Sum();
        double total = targets.Sum(t => Math.Pow(t - mean, 2));
        return new()
        {
            [TextAutoMLMetric.RootMeanSquaredError] = ValidationMetrics.RootMeanSquaredError(predictions, targets),
            [TextAutoMLMetric.MeanAbsoluteError] = targets.Count == 0 ? 0 : targets.Select((t, i) => Math.Abs((double)predictions[i] - t)).Average(),
            [TextAutoMLMetric.RSquared] = total == 0 ? double.NaN : 1 - residual / total,
        };
    }

    /// <summary>The probability that a random positive scores above a random negative (ties count half): the Mann–Whitney statistic.</summary>
    internal static double AreaUnderRocCurve(IReadOnlyList<int> truth, IReadOnlyList<float> positiveScore)
    {
        var ranked = truth.Select((t, i) => (Positive: t == 1, Score: positiveScore[i])).OrderBy(r => r.Score).ToList();
        long positives = ranked.Count(r => r.Positive), negatives = ranked.Count - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        double rankSum = 0;
        for (int i = 0; i < ranked.Count;)
        {
            int j = i;
            while (j < ranked.Count && ranked[j].Score == ranked[i].Score) j++;
            double averageRank = (i + 1 + j) / 2.0; // ranks i+1 … j share their mean
            rankSum += averageRank * ranked.Skip(i).Take(j - i).Count(r => r.Positive);
            i = j;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
