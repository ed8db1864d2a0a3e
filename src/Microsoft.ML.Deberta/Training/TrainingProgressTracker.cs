using System.Diagnostics;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// The progress bookkeeping a training loop shares: the run's clock, steps done and planned, the mean loss since the
/// previous report, the last learning rate, and the <see cref="TrainingProgress"/> reports built from them.
/// </summary>
internal sealed class TrainingProgressTracker(IProgress<TrainingProgress>? progress, int epochs, int totalSteps)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _lossSinceReport;
    private int _stepsSinceReport;

    /// <summary>Optimizer steps taken so far.</summary>
    public int StepsDone { get; private set; }

    /// <summary>Optimizer steps planned for the run.</summary>
    public int TotalSteps => totalSteps;

    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>The step a resumed run started from (its checkpoint's), or null for a run that started afresh.</summary>
    public int? ResumedFromStep { get; private set; }

    /// <summary>Continues the count of a run resumed from a checkpoint taken after <paramref name="stepsDone"/> steps.</summary>
    public void Resume(int stepsDone)
    {
        StepsDone = stepsDone;
        ResumedFromStep = stepsDone;
    }

    /// <summary>Records one optimizer step.</summary>
    public void StepDone(double loss, double learningRate)
    {
        _lossSinceReport += loss;
        _stepsSinceReport++;
        LastLearningRate = learningRate;
        StepsDone++;
    }

    /// <summary>The learning rate of the last step.</summary>
    public double LastLearningRate { get; private set; }

    /// <summary>Reports the mean loss since the previous report (and the validation metric, at the end of an epoch).</summary>
    public void Report(int epoch, string? metricName, double? metric, bool finished = false)
    {
        if (progress is null)
        {
            _lossSinceReport = 0;
            _stepsSinceReport = 0;
            return;
        }
        var elapsed = _clock.Elapsed;
        // A resumed run's clock started at its resume: estimate from the steps taken since.
        int stepsTimed = StepsDone - (ResumedFromStep ?? 0);
        var remaining = finished || stepsTimed <= 0
            ? TimeSpan.Zero
            : TimeSpan.FromTicks((long)(elapsed.Ticks * ((double)(totalSteps - StepsDone) / stepsTimed)));
        double loss = _stepsSinceReport == 0 ? double.NaN : _lossSinceReport / _stepsSinceReport;
        _lossSinceReport = 0;
        _stepsSinceReport = 0;
        progress.Report(new TrainingProgress(epoch, epochs, StepsDone, totalSteps, loss, LastLearningRate,
            metricName, metric, elapsed, remaining) { ResumedFromStep = ResumedFromStep });
    }
}
