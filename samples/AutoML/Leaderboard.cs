using System.Globalization;
using Microsoft.ML.Deberta.AutoML;

namespace Microsoft.ML.Deberta.Samples.AutoML;

/// <summary>Prints the trials, best first, as plain text (the same on a terminal and in a log).</summary>
internal static class Leaderboard
{
    public static void Print(ExperimentResult result, int top = 10)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Leaderboard ({result.Trials.Count} trials in {result.Elapsed.TotalSeconds:0} s; validation {MetricName(result.Metric)}, " +
            $"{(MetricRules.IsMaximized(result.Metric) ? "higher" : "lower")} is better)"));
        Console.WriteLine($"{"rank",4}  {"trial",5}  {MetricName(result.Metric),10}  {"epochs",6}  {"seconds",7}  parameters");
        int rank = 0;
        foreach (var t in result.Trials.OrderBy(t => t.Loss).ThenBy(t => t.Id).Take(top))
        {
            string metric = t.Status == TrialStatus.Completed ? ParameterText.Metric(t.Metric) : t.Status.ToString().ToLowerInvariant();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{++rank,4}  {t.Id,5}  {metric,10}  {t.Epochs.Count,6}  {t.Duration.TotalSeconds,7:0.0}  {ParameterText.Short(t.Parameter)}"));
        }
        Console.WriteLine();
    }

    /// <summary>The metric's name as the command line and the output spell it.</summary>
    public static string MetricName(TextAutoMLMetric metric) => metric switch
    {
        TextAutoMLMetric.Accuracy => "accuracy",
        TextAutoMLMetric.MacroAccuracy => "macro-accuracy",
        TextAutoMLMetric.MacroF1 => "macro-f1",
        TextAutoMLMetric.AreaUnderRocCurve => "auc",
        TextAutoMLMetric.LogLoss => "log-loss",
        TextAutoMLMetric.RootMeanSquaredError => "rmse",
        TextAutoMLMetric.MeanAbsoluteError => "mae",
        TextAutoMLMetric.RSquared => "r-squared",
        _ => metric.ToString(),
    };
}
