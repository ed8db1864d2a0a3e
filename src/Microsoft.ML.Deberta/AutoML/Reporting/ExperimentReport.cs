using System.Globalization;
using System.Net;
using System.Text;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// One self-contained HTML file per experiment: the leaderboard, learning curves (training loss and validation metric
/// per epoch, per trial), the metric over trials with the best so far, each option against the metric, and the best
/// model's confusion matrix (classification) or predictions against the truth (regression). Plots are Plotly.NET charts
/// with plotly.js inlined, so the file opens offline.
/// </summary>
public static class ExperimentReport
{
    /// <summary>Writes the report of <paramref name="result"/> to <paramref name="path"/> (its folder is created).</summary>
    public static void Write(ExperimentResult result, string path, string title = "DeBERTa AutoML experiment")
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, Render(result, title), Encoding.UTF8);
    }

    /// <summary>The report as HTML text.</summary>
    public static string Render(ExperimentResult result, string title = "DeBERTa AutoML experiment")
    {
        ArgumentNullException.ThrowIfNull(result);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n<style>")
            .Append("body{font-family:sans-serif;margin:2em;color:#223} table{border-collapse:collapse} td,th{border:1px solid #ccd;padding:3px 8px;")
            .Append("text-align:right} td.p{text-align:left;font-family:monospace} tr.best{background:#e6f4e6} section.plot{display:inline-block;vertical-align:top}")
            .Append("</style>\n<script>").Append(PlotlyScript.Text).Append("</script></head><body>\n");
        html.Append("<h1>").Append(E(title)).Append("</h1>\n<p>").Append(E(string.Create(CultureInfo.InvariantCulture,
            $"{result.Trials.Count} trials in {result.Elapsed.TotalSeconds:0} s. Best: trial {result.BestTrial.Id}, validation {result.Metric} " +
            $"{result.BestTrial.Metric:0.0000} ({(MetricRules.IsMaximized(result.Metric) ? "higher" : "lower")} is better)."))).Append("</p>\n");
        foreach (var warning in result.Warnings.Distinct())
            html.Append("<p class=\"warning\">").Append(E(warning)).Append("</p>\n");
        Leaderboard(html, result);
        Plot(html, "training-loss", "Learning curves: training loss", ReportCharts.TrainingLoss(result.Trials));
        Plot(html, "validation-per-epoch", "Learning curves: validation metric", ReportCharts.ValidationPerEpoch(result.Trials));
        Plot(html, "metric-over-trials", $"{result.Metric} over trials", ReportCharts.MetricOverTrials(result.Trials, result.Metric));
        html.Append("<h2>Options against the metric</h2>\n");
        foreach (var (name, chart) in ReportCharts.ParameterVsMetric(result.Trials, result.Metric))
            Plot(html, "parameter-" + name, name, chart, heading: "h3");
        if (result.BestEvaluation.ConfusionMatrix is not null)
            Plot(html, "confusion-matrix", $"Confusion matrix of trial {result.BestTrial.Id} (validation rows)", ReportCharts.ConfusionMatrix(result.BestEvaluation));
        else
            Plot(html, "residuals", $"Predictions of trial {result.BestTrial.Id} against the truth (validation rows)", ReportCharts.Residuals(result.BestEvaluation));
        return html.Append("</body></html>\n").ToString();
    }

    private static void Leaderboard(StringBuilder html, ExperimentResult result)
    {
        html.Append("<h2>Leaderboard</h2>\n<table id=\"leaderboard\"><tr><th>rank</th><th>trial</th><th>status</th><th>")
            .Append(E(result.Metric.ToString())).Append("</th><th>epochs</th><th>seconds</th><th>peak MB</th><th>parameters</th><th>error</th></tr>\n");
        int rank = 0;
        foreach (var t in result.Trials.OrderBy(t => t.Loss).ThenBy(t => t.Id))
            html.Append(t.Id == result.BestTrial.Id ? "<tr class=\"best\">" : "<tr>").Append(string.Create(CultureInfo.InvariantCulture,
                $"<td>{++rank}</td><td>{t.Id}</td><td>{t.Status}</td><td>{(t.Metric is double m ? m.ToString("0.0000", CultureInfo.InvariantCulture) : "")}</td>" +
                $"<td>{t.Epochs.Count}</td><td>{t.Duration.TotalSeconds:0.0}</td><td>{t.PeakMemoryBytes / 1048576.0:0}</td>"))
                .Append("<td class=\"p\">").Append(E(t.Parameter.ToJson())).Append("</td><td class=\"p\">").Append(E(t.Error ?? "")).Append("</td></tr>\n");
        html.Append("</table>\n");
    }

    private static void Plot(StringBuilder html, string id, string title, string chart, string heading = "h2") =>
        html.Append("<section class=\"plot\" data-plot=\"").Append(E(id)).Append("\"><").Append(heading).Append('>').Append(E(title))
            .Append("</").Append(heading).Append('>').Append(chart).Append("</section>\n");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
