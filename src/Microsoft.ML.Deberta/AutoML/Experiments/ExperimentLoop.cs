using System.Diagnostics;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// One run of a <see cref="TextAutoMLExperiment"/>: check everything, then propose → run → update until a budget ends,
/// the tuner runs dry or the caller cancels. The time budget never cancels a trial: it asks the trainer to stop and keep
/// its best epoch, so the trial still yields a model. Only the best model is kept; the others are disposed at once.
/// With a checkpoint, stored trials are replayed into the tuner instead of being run again.
/// </summary>
internal sealed class ExperimentLoop(TextAutoMLExperiment experiment)
{
    private readonly Stopwatch _clock = new();
    private readonly List<TrialResult> _trials = [];
    private readonly List<string> _warnings = [];
    private TrialResult? _bestRow;
    private ITransformer? _bestModel;
    private ValidationEvaluation? _bestEvaluation;

    public ExperimentResult Run(CancellationToken cancellationToken)
    {
        var e = experiment;
        if (e.Train is null)
            throw new InvalidOperationException("Set the data first: SetDataset(train, validation) or SetDataset(data, validationFraction).");
        if (e.TimeBudgetSeconds is null && e.MaxTrials is null)
            throw new InvalidOperationException("Set a budget: SetTrainingTimeInSeconds(seconds), SetMaxTrials(count), or both.");
        var metric = e.Metric ?? MetricRules.Default(e.Task);
        MetricRules.Check(e.Task, metric);
        var settings = TrialSettings.Resolve(e, metric);
        var data = ExperimentData.Prepare(e.MLContext, e.Train, e.Validation, e.ValidationFraction, e.Seed, e.Task, e.LabelColumn, e.TextColumn, e.TextPairColumn);
        var runner = new TextTrialRunner(e.MLContext, data, settings);
        var tuner = e.TunerFactory(e.Space, e.Seed);
        var stored = new Dictionary<int, TrialResult>();
        if (e.Checkpoint is { } checkpoint)
        {
            checkpoint.Store.Open(ExperimentCheckpoint.Key(e, metric, tuner));
            stored = checkpoint.Store.LoadTrials().ToDictionary(t => t.Id);
        }

        _clock.Start();
        using var budget = new CancellationTokenSource();
        if (e.TimeBudgetSeconds is double seconds)
            budget.CancelAfter(TimeSpan.FromSeconds(seconds));
        try
        {
            for (int id = 0; !budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested && (e.MaxTrials is not int max || id < max); id++)
            {
                var parameter = tuner.Propose(id);
                if (parameter is null)
                    break;
                if (stored.TryGetValue(id, out var old) && old.Status is TrialStatus.Completed or TrialStatus.Failed)
                {
                    Restore(old, parameter, tuner);
                    continue;
                }
                if (!RunTrial(id, parameter, runner, tuner, budget.Token, cancellationToken))
                    break;
            }
            if (_bestRow is null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var errors = _trials.Where(t => t.Error is not null).Select(t => $"trial {t.Id}: {t.Error}").Distinct().Take(5);
                throw new InvalidOperationException(_trials.Count == 0
                    ? "No trial ran: the tuner proposed nothing or the budget was spent before the first trial."
                    : $"All {_trials.Count} trial(s) failed; first errors: {string.Join(" | ", errors)}");
            }
            if (_bestModel is null)
            {
                // The best trial ran in an earlier, interrupted session: its model was saved when it became the best.
                _bestModel = e.Checkpoint!.LoadBest(e.MLContext, _bestRow.Id) ?? throw new InvalidOperationException(
                    $"The checkpoint's best trial {_bestRow.Id} has no saved model (best-model.zip is missing); use a new checkpoint folder.");
                _bestEvaluation = MetricCalculator.Evaluate(_bestModel.Transform(data.RawValidation), e.Task, e.LabelColumn, "Score", data.ClassNames);
            }
            return new ExperimentResult(_bestModel, _bestRow, _bestEvaluation!, _trials, _warnings, metric, _clock.Elapsed, settings, e.Train.Schema);
        }
        catch
        {
            (_bestModel as IDisposable)?.Dispose();
            throw;
        }
    }

    private void Restore(TrialResult old, Parameter parameter, ITuner tuner)
    {
        if (old.Parameter.ToJson() != parameter.ToJson())
            throw new InvalidOperationException(
                $"Resuming: stored trial {old.Id} tried {old.Parameter} but the tuner now proposes {parameter}, so the store belongs to another " +
                "run (another tuner or seed). Use another checkpoint folder.");
        _trials.Add(old);
        tuner.Update(old.Id, parameter, old.Loss, old.Duration.TotalSeconds);
        foreach (var epoch in old.Epochs)
            experiment.Pruner?.ShouldStop(old.Id, epoch, replay: true);
        Report(new(ExperimentEventKind.TrialRestored, old.Id, _clock.Elapsed, parameter, old));
        if (old.Status == TrialStatus.Completed && (_bestRow is null || old.Loss < _bestRow.Loss))
        {
            (_bestModel as IDisposable)?.Dispose();
            (_bestRow, _bestModel, _bestEvaluation) = (old, null, null);
        }
    }

    // Runs one trial; false when the caller cancelled it.
    private bool RunTrial(int id, Parameter parameter, TextTrialRunner runner, ITuner tuner, CancellationToken budget, CancellationToken cancellationToken)
    {
        var store = experiment.Checkpoint?.Store;
        store?.TrialStarted(id, parameter);
        Report(new(ExperimentEventKind.TrialStarted, id, _clock.Elapsed, parameter));
        TextTrialRunner.Outcome outcome;
        using var prune = new CancellationTokenSource();
        try
        {
            outcome = runner.Run(id, parameter, budget, prune.Token,
                p => Report(new(ExperimentEventKind.TrainingProgress, id, _clock.Elapsed, parameter, Training: p)),
                epoch =>
                {
                    store?.EpochCompleted(id, epoch);
                    if (experiment.Pruner?.ShouldStop(id, epoch) == true)
                        prune.Cancel();
                }, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var cancelled = new TrialResult { Id = id, Parameter = parameter, Status = TrialStatus.Cancelled };
            _trials.Add(cancelled);
            store?.TrialFinished(cancelled);
            return false;
        }
        var row = outcome.Result;
        _trials.Add(row);
        tuner.Update(id, parameter, row.Loss, row.Duration.TotalSeconds);
        if (outcome.FirstEpochPartial)
            Warn(id, $"Trial {id}: the time budget ended it before its first epoch finished; its model was trained on part of one epoch. " +
                "Give a larger budget (SetTrainingTimeInSeconds) for a better model.");
        else if (row.StoppedByBudget)
            Warn(id, $"Trial {id}: the time budget ended it after {row.Epochs.Count} epoch(s); it keeps its best epoch.");
        bool isBest = row.Status == TrialStatus.Completed && (_bestRow is null || row.Loss < _bestRow.Loss);
        if (isBest)
        {
            (_bestModel as IDisposable)?.Dispose();
            (_bestRow, _bestModel, _bestEvaluation) = (row, outcome.Model, outcome.Evaluation);
            // Saved before the row is stored: a stored best trial always has its model on disk.
            experiment.Checkpoint?.SaveBest(experiment.MLContext, outcome.Model!, experiment.Train!.Schema, id);
        }
        else
        {
            (outcome.Model as IDisposable)?.Dispose();
        }
        store?.TrialFinished(row);
        Report(new(row.Status == TrialStatus.Failed ? ExperimentEventKind.TrialFailed : ExperimentEventKind.TrialCompleted, id, _clock.Elapsed, parameter, row));
        if (isBest)
            Report(new(ExperimentEventKind.NewBest, id, _clock.Elapsed, parameter, row));
        return true;
    }

    private void Warn(int id, string message)
    {
        _warnings.Add(message);
        Report(new(ExperimentEventKind.Warning, id, _clock.Elapsed, Message: message));
    }

    private void Report(ExperimentEvent value) => experiment.Monitor?.Report(value);
}
