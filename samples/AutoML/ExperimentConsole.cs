using System.Globalization;
using Microsoft.ML.Deberta.AutoML;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Microsoft.ML.Deberta.Samples.AutoML;

/// <summary>
/// Shows a running experiment: on a terminal, a live trial table with the current trial's epoch bar and ETA; when the
/// output is redirected (CI, a log file), one plain line per event.
/// </summary>
internal sealed class ExperimentConsole(TextAutoMLMetric metric, double budgetSeconds) : IProgress<ExperimentEvent>
{
    private readonly object _gate = new();
    private readonly List<TrialResult> _done = [];
    private ExperimentEvent? _current;
    private int? _bestId;
    private TimeSpan _elapsed;

    public static bool IsInteractive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="run"/>, showing its events until it ends.</summary>
    public T Show<T>(Func<Task<T>> run)
    {
        if (!IsInteractive)
            return run().GetAwaiter().GetResult();
        T result = default!;
        AnsiConsole.Live(View()).AutoClear(false).Start(ctx =>
        {
            var task = run();
            while (!task.Wait(250))
                ctx.UpdateTarget(View());
            ctx.UpdateTarget(View());
            result = task.GetAwaiter().GetResult();
        });
        return result;
    }

    public void Report(ExperimentEvent e)
    {
        lock (_gate)
        {
            _elapsed = e.Elapsed;
            switch (e.Kind)
            {
                case ExperimentEventKind.TrialStarted: _current = e; break;
                case ExperimentEventKind.TrainingProgress: _current = e; break;
                case ExperimentEventKind.TrialCompleted or ExperimentEventKind.TrialFailed or ExperimentEventKind.TrialRestored:
                    _done.Add(e.Trial!);
                    _current = null;
                    break;
                case ExperimentEventKind.NewBest: _bestId = e.TrialId; break;
            }
        }
        if (!IsInteractive)
            PlainLine(e);
    }

    private void PlainLine(ExperimentEvent e)
    {
        string at = $"[{e.Elapsed.TotalSeconds,6:0.0} s]";
        string? line = e.Kind switch
        {
            ExperimentEventKind.TrialStarted => $"trial {e.TrialId} started: {ParameterText.Short(e.Parameter!)}",
            ExperimentEventKind.TrainingProgress when e.Training!.ValidationMetric is double m =>
                $"trial {e.TrialId} epoch {e.Training.Epoch}/{e.Training.Epochs}: validation {e.Training.ValidationMetricName} {ParameterText.Metric(m)}",
            ExperimentEventKind.TrialCompleted => $"trial {e.TrialId} completed: {metric} {ParameterText.Metric(e.Trial!.Metric)} in {e.Trial.Duration.TotalSeconds:0.0} s" +
                (e.Trial.StoppedByBudget ? " (stopped by the time budget)" : e.Trial.StoppedEarly ? " (stopped early: successive halving)" : ""),
            ExperimentEventKind.TrialFailed => $"trial {e.TrialId} failed: {e.Trial!.Error}",
            ExperimentEventKind.TrialRestored => $"trial {e.TrialId} restored from the trial store: {metric} {ParameterText.Metric(e.Trial!.Metric)}",
            ExperimentEventKind.NewBest => $"trial {e.TrialId} is the best so far",
            ExperimentEventKind.Warning => $"warning: {e.Message}",
            _ => null,
        };
        if (line is not null)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{at} {line}"));
    }

    private IRenderable View()
    {
        lock (_gate)
        {
            var table = new Table().Border(TableBorder.Rounded).Title($"DeBERTa AutoML — {_elapsed.TotalSeconds:0} s of {budgetSeconds:0} s");
            foreach (var c in new[] { "trial", "status", metric.ToString(), "epochs", "seconds", "parameters" })
                table.AddColumn(c);
            foreach (var t in _done.TakeLast(15))
                table.AddRow((t.Id == _bestId ? "[green]* " : "  ") + t.Id + (t.Id == _bestId ? "[/]" : ""), t.Status.ToString(),
                    ParameterText.Metric(t.Metric), t.Epochs.Count.ToString(CultureInfo.InvariantCulture),
                    t.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture), Markup.Escape(ParameterText.Short(t.Parameter)));
            if (_current is { } c2)
                table.AddRow($"  {c2.TrialId}", "[yellow]running[/]", "-", c2.Training is { } p ? $"{p.Epoch}/{p.Epochs}" : "-", "-",
                    Markup.Escape(ParameterText.Short(c2.Parameter!)));
            var bar = _current?.Training is { } tp ? Bar(tp.Step, tp.TotalSteps, tp.EstimatedRemaining, tp.Loss) : new Markup("[grey]waiting for the next trial…[/]");
            return new Rows(table, bar);
        }
    }

    private static Markup Bar(int step, int total, TimeSpan remaining, double loss)
    {
        const int Width = 30;
        int filled = total == 0 ? 0 : Math.Min(Width, Width * step / total);
        return new Markup(string.Create(CultureInfo.InvariantCulture,
            $"current trial [green]{new string('━', filled)}[/][grey]{new string('━', Width - filled)}[/] step {step}/{total}, loss {loss:0.000}, ETA {remaining.TotalSeconds:0} s"));
    }
}
