using System.Diagnostics;
using Microsoft.ML.Deberta.MLNet;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// One run of a <see cref="TextAutoMLExperiment"/>: check everything, then propose → run → update until a budget ends,
/// the tuner runs dry or the caller cancels. The time budget never cancels a trial: it asks the trainer to stop and keep
/// its best epoch, so the trial still yields a model. Only the best model is kept; the others are disposed at once.
/// </summary>
internal sealed class ExperimentLoop(TextAutoMLExperiment experiment)
{
    private readonly Stopwatch _clock = new();
    private readonly List<TrialResult> _trials = [];
    private readonly List<string> _warnings = [];

    public ExperimentResult Run(CancellationToken cancellationToken)
    {
        var e = experiment;
        if (e.Train is null)
            throw new InvalidOperationException("Set the data first: SetDataset(train, validation) or SetDataset(data, validationFraction).");
        if (e.TimeBudgetSeconds is null && e.MaxTrials is null)
            throw new InvalidOperationException("Set a budget: SetTrainingTimeInSeconds(seconds), SetMaxTrials(count), or both.");
        var metric = e.Metric ?? MetricRules.Default(e.Task);
        MetricRules.Check(e.Task, metric);
        var settings = Settings(metric);
        var data = ExperimentData.Prepare(e.MLContext, e.Train, e.Validation, e.ValidationFraction, e.Seed, e.Task, e.LabelColumn, e.TextColumn, e.TextPairColumn);
        var runner = new TextTrialRunner(e.MLContext, data, settings);
        var tuner = e.TunerFactory(e.Space, e.Seed);

        _clock.Start();
        using var budget = new CancellationTokenSource();
        if (e.TimeBudgetSeconds is double seconds)
            budget.CancelAfter(TimeSpan.FromSeconds(seconds));
        TextTrialRunner.Outcome? best = null;
        try
        {
            for (int id = 0; !budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested && (e.MaxTrials is not int max || id < max); id++)
            {
                var parameter = tuner.Propose(id);
                if (parameter is null)
                    break;
                Report(new(ExperimentEventKind.TrialStarted, id, _clock.Elapsed, parameter));
                TextTrialRunner.Outcome outcome;
                try
                {
                    outcome = runner.Run(id, parameter, budget.Token,
                        p => Report(new(ExperimentEventKind.TrainingProgress, id, _clock.Elapsed, parameter, Training: p)), cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    _trials.Add(new TrialResult { Id = id, Parameter = parameter, Status = TrialStatus.Cancelled });
                    break;
                }
                var row = outcome.Result;
                _trials.Add(row);
                tuner.Update(id, parameter, row.Loss, row.Duration.TotalSeconds);
                if (outcome.FirstEpochPartial)
                    Warn(id, $"Trial {id}: the time budget ended it before its first epoch finished; its model was trained on part of one epoch. " +
                        "Give a larger budget (SetTrainingTimeInSeconds) for a better model.");
                else if (row.StoppedByBudget)
                    Warn(id, $"Trial {id}: the time budget ended it after {row.Epochs.Count} epoch(s); it keeps its best epoch.");
                if (row.Status == TrialStatus.Failed)
                {
                    Report(new(ExperimentEventKind.TrialFailed, id, _clock.Elapsed, parameter, row));
                    continue;
                }
                Report(new(ExperimentEventKind.TrialCompleted, id, _clock.Elapsed, parameter, row));
                if (best is null || row.Loss < best.Result.Loss)
                {
                    (best?.Model as IDisposable)?.Dispose();
                    best = outcome;
                    Report(new(ExperimentEventKind.NewBest, id, _clock.Elapsed, parameter, row));
                }
                else
                {
                    (outcome.Model as IDisposable)?.Dispose();
                }
            }
        }
        catch
        {
            (best?.Model as IDisposable)?.Dispose();
            throw;
        }

        if (best is null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var errors = _trials.Where(t => t.Error is not null).Select(t => $"trial {t.Id}: {t.Error}").Distinct().Take(5);
            throw new InvalidOperationException(_trials.Count == 0
                ? "No trial ran: the tuner proposed nothing or the budget was spent before the first trial."
                : $"All {_trials.Count} trial(s) failed; first errors: {string.Join(" | ", errors)}");
        }
        return new ExperimentResult(best.Model!, best.Result, best.Evaluation!, _trials, _warnings, metric, _clock.Elapsed, e.Task, e.LabelColumn);
    }

    private TextTrialRunner.Settings Settings(TextAutoMLMetric metric)
    {
        var e = experiment;
        var models = e.Space.Dimensions.FirstOrDefault(d => d.Name == nameof(DebertaSearchOptions.Model)) is ChoiceDimension choice
            ? choice.Candidates.Select(c => c.GetValue<string>()).ToList()
            : [ScratchModelSizes.Tiny];
        int vocabulary = 0;
        if (models.Any(ScratchModelSizes.IsSize))
        {
            if (e.TokenizerFolder is null)
                throw new ArgumentException("The search space trains models from scratch, which needs a tokenizer: pass tokenizerFolder to SetSearchSpace.", "tokenizerFolder");
            vocabulary = TokenizerFiles.Load(e.TokenizerFolder, "The experiment's tokenizer folder").VocabularySize;
        }
        foreach (var folder in models.Where(m => !ScratchModelSizes.IsSize(m)))
            if (!Directory.Exists(folder))
                throw new ArgumentException($"The search space's model '{folder}' is neither a checkpoint folder that exists nor a from-scratch size ({string.Join(", ", ScratchModelSizes.All)}).", "space");
        return new TextTrialRunner.Settings(e.Task, metric, e.LabelColumn, e.TextColumn, e.TextPairColumn, e.TokenizerFolder, vocabulary, e.Seed);
    }

    private void Warn(int id, string message)
    {
        _warnings.Add(message);
        Report(new(ExperimentEventKind.Warning, id, _clock.Elapsed, Message: message));
    }

    private void Report(ExperimentEvent value) => experiment.Monitor?.Report(value);
}
