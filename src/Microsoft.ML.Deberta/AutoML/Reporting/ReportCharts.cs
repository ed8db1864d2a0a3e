using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>The report's plots, drawn with Plotly.NET: each returned as the HTML snippet (a div and its script) of one chart.</summary>
internal static class ReportCharts
{
    private const int Width = 760, Height = 420;

    /// <summary>Training loss per epoch, one line per trial.</summary>
    public static string TrainingLoss(IReadOnlyList<TrialResult> trials) => Html(Chart.Combine(
        trials.Where(t => t.Epochs.Count > 0).Select(t => Chart.Line<int, double, string>(
            x: t.Epochs.Select(e => e.Epoch).ToArray(), y: t.Epochs.Select(e => e.TrainingLoss).ToArray(), Name: $"trial {t.Id}", ShowMarkers: true))
        .DefaultIfEmpty(Empty()))
        .WithXAxisStyle<int, int, string>(TitleText: "epoch").WithYAxisStyle<double, double, string>(TitleText: "training loss"));

    /// <summary>The trainer's validation metric per epoch, one line per trial.</summary>
    public static string ValidationPerEpoch(IReadOnlyList<TrialResult> trials)
    {
        var name = trials.SelectMany(t => t.Epochs).Select(e => e.ValidationMetricName).FirstOrDefault(n => n is not null) ?? "validation metric";
        return Html(Chart.Combine(
            trials.Where(t => t.Epochs.Any(e => e.ValidationMetric is not null)).Select(t => Chart.Line<int, double, string>(
                x: t.Epochs.Where(e => e.ValidationMetric is not null).Select(e => e.Epoch).ToArray(),
                y: t.Epochs.Where(e => e.ValidationMetric is not null).Select(e => e.ValidationMetric!.Value).ToArray(), Name: $"trial {t.Id}", ShowMarkers: true))
            .DefaultIfEmpty(Empty()))
            .WithXAxisStyle<int, int, string>(TitleText: "epoch").WithYAxisStyle<double, double, string>(TitleText: $"validation {name}"));
    }

    /// <summary>The optimised metric of each completed trial, and the best so far.</summary>
    public static string MetricOverTrials(IReadOnlyList<TrialResult> trials, TextAutoMLMetric metric)
    {
        var done = trials.Where(t => t.Status == TrialStatus.Completed && t.Metric is double m && double.IsFinite(m)).OrderBy(t => t.Id).ToList();
        var bestSoFar = new List<double>();
        foreach (var t in done)
        {
            double v = t.Metric!.Value;
            bestSoFar.Add(bestSoFar.Count == 0 ? v : MetricRules.IsMaximized(metric) ? Math.Max(bestSoFar[^1], v) : Math.Min(bestSoFar[^1], v));
        }
        var ids = done.Select(t => t.Id).ToArray();
        return Html(Chart.Combine([
                Chart.Point<int, double, string>(x: ids, y: done.Select(t => t.Metric!.Value).ToArray(), Name: "trial"),
                Chart.Line<int, double, string>(x: ids, y: [.. bestSoFar], Name: "best so far")])
            .WithXAxisStyle<int, int, string>(TitleText: "trial").WithYAxisStyle<double, double, string>(TitleText: metric.ToString()));
    }

    /// <summary>One option against the metric, for each numeric option or choice that varied (log axis for log ranges).</summary>
    public static IEnumerable<(string Name, string Html)> ParameterVsMetric(IReadOnlyList<TrialResult> trials, TextAutoMLMetric metric)
    {
        var done = trials.Where(t => t.Status == TrialStatus.Completed && t.Metric is double m && double.IsFinite(m)).ToList();
        foreach (var name in done.SelectMany(t => t.Parameter.Names).Distinct().Order(StringComparer.Ordinal))
        {
            var values = done.Select(t => t.Parameter.Contains(name) ? t.Parameter.GetString(name) : "").ToList();
            if (values.Distinct().Count() < 2)
                continue;
            var y = done.Select(t => t.Metric!.Value).ToArray();
            bool numeric = done.All(t => t.Parameter.Contains(name) && Parameter.AsNumber(t.Parameter[name]) is not null);
            var chart = numeric
                ? Chart.Point<double, double, string>(x: done.Select(t => t.Parameter.GetNumber(name)).ToArray(), y: y, Name: name)
                    .WithXAxisStyle<double, double, string>(TitleText: name, AxisType: name == nameof(DebertaSearchOptions.LearningRate) ? StyleParam.AxisType.Log : StyleParam.AxisType.Linear)
                : Chart.Point<string, double, string>(x: [.. values], y: y, Name: name).WithXAxisStyle<string, string, string>(TitleText: name);
            yield return (name, Html(chart.WithYAxisStyle<double, double, string>(TitleText: metric.ToString()), Width / 2 + 20, Height - 60));
        }
    }

    /// <summary>The best model's confusion matrix on the validation rows (rows: true class; columns: predicted).</summary>
    public static string ConfusionMatrix(ValidationEvaluation evaluation)
    {
        var names = evaluation.ClassNames!.ToArray();
        // Plotly draws the first row at the bottom: reverse so that the first class is on top, as in a table.
        var z = evaluation.ConfusionMatrix!.Reverse().Select(r => (IEnumerable<int>)r).ToArray();
        return Html(Chart.Heatmap<int, string, string, string>(zData: z, X: names, Y: names.Reverse().ToArray(), ShowScale: true)
            .WithXAxisStyle<string, string, string>(TitleText: "predicted").WithYAxisStyle<string, string, string>(TitleText: "true"));
    }

    /// <summary>The best model's predictions against the truth on the validation rows (regression), with the ideal diagonal.</summary>
    public static string Residuals(ValidationEvaluation evaluation)
    {
        var truth = evaluation.Targets!.Select(v => (double)v).ToArray();
        var predicted = evaluation.Predictions!.Select(v => (double)v).ToArray();
        double lo = truth.Concat(predicted).DefaultIfEmpty(0).Min(), hi = truth.Concat(predicted).DefaultIfEmpty(1).Max();
        return Html(Chart.Combine([
                Chart.Point<double, double, string>(x: truth, y: predicted, Name: "rows"),
                Chart.Line<double, double, string>(x: [lo, hi], y: [lo, hi], Name: "predicted = true")])
            .WithXAxisStyle<double, double, string>(TitleText: "true value").WithYAxisStyle<double, double, string>(TitleText: "predicted value"));
    }

    private static GenericChart Empty() => Chart.Point<int, int, string>(x: Array.Empty<int>(), y: Array.Empty<int>(), Name: "no data");

    private static string Html(GenericChart chart, int width = Width, int height = Height) =>
        GenericChart.toChartHTML(chart.WithSize(width, height));
}
