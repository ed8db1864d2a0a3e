namespace Microsoft.ML.Deberta.AutoML;

/// <summary>What an <see cref="ExperimentEvent"/> reports.</summary>
public enum ExperimentEventKind
{
    /// <summary>A trial starts (its parameter is set).</summary>
    TrialStarted,

    /// <summary>The running trial's trainer reported progress (steps, loss; the validation metric at an epoch's end).</summary>
    TrainingProgress,

    /// <summary>A trial completed (its row is set).</summary>
    TrialCompleted,

    /// <summary>A trial failed (its row holds the error); the sweep goes on.</summary>
    TrialFailed,

    /// <summary>The trial just completed is the best so far.</summary>
    NewBest,

    /// <summary>A completed trial was read back from the trial store instead of being run again.</summary>
    TrialRestored,

    /// <summary>A note for the user (a budget too small for one epoch, the time budget ending a trial).</summary>
    Warning,
}
