using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// Turns the trainer's progress reports into per-epoch rows: the epoch's mean training loss (reports weighted by their
/// steps) and the validation metric of the report that closes the epoch; forwards every report.
/// </summary>
internal sealed class TrialEpochRecorder(Action<TrainingProgress> forward, Action<TrialEpoch> onEpoch, System.Diagnostics.Stopwatch clock)
    : IProgress<TrainingProgress>
{
    private readonly List<TrialEpoch> _epochs = [];
    private int _lastStep, _epochStartStep;
    private double _lossSum;

    public IReadOnlyList<TrialEpoch> Epochs => _epochs;

    /// <summary>Whether the first epoch closed before all its steps ran (the time budget stopped it).</summary>
    public bool FirstEpochPartial { get; private set; }

    public void Report(TrainingProgress value)
    {
        int steps = value.Step - _lastStep;
        if (steps > 0 && double.IsFinite(value.Loss))
            _lossSum += value.Loss * steps;
        _lastStep = value.Step;
        if (value.ValidationMetric is not null)
        {
            int epochSteps = value.Step - _epochStartStep;
            if (_epochs.Count == 0 && value.Epochs > 0 && epochSteps < value.TotalSteps / value.Epochs)
                FirstEpochPartial = true;
            _epochs.Add(new TrialEpoch(value.Epoch, epochSteps > 0 ? _lossSum / epochSteps : double.NaN,
                value.ValidationMetricName, value.ValidationMetric, clock.Elapsed));
            onEpoch(_epochs[^1]);
            _epochStartStep = value.Step;
            _lossSum = 0;
        }
        forward(value);
    }
}
