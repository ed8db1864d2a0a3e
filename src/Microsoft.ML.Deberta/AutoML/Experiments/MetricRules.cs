namespace Microsoft.ML.Deberta.AutoML;

/// <summary>Which metrics fit which task, and which way each one improves.</summary>
public static class MetricRules
{
    /// <summary>Whether a larger value is better.</summary>
    public static bool IsMaximized(TextAutoMLMetric metric) => metric is not
        (TextAutoMLMetric.LogLoss or TextAutoMLMetric.RootMeanSquaredError or TextAutoMLMetric.MeanAbsoluteError);

    /// <summary>Whether the metric can be computed for the task.</summary>
    public static bool Fits(TextAutoMLTask task, TextAutoMLMetric metric) => task == TextAutoMLTask.Regression
        ? metric is TextAutoMLMetric.RootMeanSquaredError or TextAutoMLMetric.MeanAbsoluteError or TextAutoMLMetric.RSquared
        : metric is TextAutoMLMetric.Accuracy or TextAutoMLMetric.MacroAccuracy or TextAutoMLMetric.MacroF1 or TextAutoMLMetric.LogLoss
          || (metric == TextAutoMLMetric.AreaUnderRocCurve && task == TextAutoMLTask.BinaryClassification);

    /// <summary>The metrics a task can use.</summary>
    public static IReadOnlyList<TextAutoMLMetric> For(TextAutoMLTask task) => [.. Enum.GetValues<TextAutoMLMetric>().Where(m => Fits(task, m))];

    /// <summary>The usual metric of a task: accuracy for classification, RMSE for regression.</summary>
    public static TextAutoMLMetric Default(TextAutoMLTask task) =>
        task == TextAutoMLTask.Regression ? TextAutoMLMetric.RootMeanSquaredError : TextAutoMLMetric.Accuracy;

    /// <summary>Throws when the metric does not fit the task, listing those that do.</summary>
    /// <exception cref="ArgumentException">The metric does not fit the task.</exception>
    public static void Check(TextAutoMLTask task, TextAutoMLMetric metric)
    {
        if (!Enum.IsDefined(task))
            throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown task.");
        if (!Fits(task, metric))
            throw new ArgumentException(
                $"The metric {metric} does not fit the task {task}; use one of: {string.Join(", ", For(task))}.", nameof(metric));
    }

    /// <summary>The loss a tuner minimises: the metric, negated when it is maximised; +∞ for no value.</summary>
    public static double Loss(TextAutoMLMetric metric, double? value) =>
        value is double v && double.IsFinite(v) ? (IsMaximized(metric) ? -v : v) : double.PositiveInfinity;
}
