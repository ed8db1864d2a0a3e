namespace Microsoft.ML.Deberta.Training;

/// <summary>The per-epoch validation metrics: macro-F1 and accuracy for classes, RMSE for values.</summary>
internal static class ValidationMetrics
{
    /// <summary>
    /// The unweighted mean of the per-class F1 over the classes that occur in the truth or the predictions
    /// (scikit-learn's <c>f1_score(average="macro")</c>); F1 = 2·TP / (2·TP + FP + FN).
    /// </summary>
    public static double MacroF1(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        if (truth.Count != predicted.Count) throw new ArgumentException("Truth and predictions differ in length.", nameof(predicted));
        var counts = new SortedDictionary<int, (int Tp, int Fp, int Fn)>();
        for (int i = 0; i < truth.Count; i++)
        {
            int t = truth[i], p = predicted[i];
            if (t == p)
            {
                var c = counts.GetValueOrDefault(t);
                counts[t] = (c.Tp + 1, c.Fp, c.Fn);
            }
            else
            {
                var ct = counts.GetValueOrDefault(t);
                counts[t] = (ct.Tp, ct.Fp, ct.Fn + 1);
                var cp = counts.GetValueOrDefault(p);
                counts[p] = (cp.Tp, cp.Fp + 1, cp.Fn);
            }
        }
        if (counts.Count == 0) return 0;
        return counts.Values.Average(c => 2.0 * c.Tp / (2.0 * c.Tp + c.Fp + c.Fn));
    }

    /// <summary>The fraction of rows predicted right.</summary>
    public static double Accuracy(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        if (truth.Count == 0) return 0;
        int right = 0;
        for (int i = 0; i < truth.Count; i++)
            if (truth[i] == predicted[i]) right++;
        return (double)right / truth.Count;
    }

    /// <summary>√(mean (prediction − target)²).</summary>
    public static double RootMeanSquaredError(IReadOnlyList<float> predicted, IReadOnlyList<float> targets)
    {
        if (targets.Count == 0) return 0;
        double sum = 0;
        for (int i = 0; i < targets.Count; i++)
        {
            double d = (double)predicted[i] - targets[i];
            sum += d * d;
        }
        return Math.Sqrt(sum / targets.Count);
    }
}
