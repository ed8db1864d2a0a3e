namespace Microsoft.ML.Deberta.AutoML;

/// <summary>One row of the trial table: what was tried, how it went, what it cost.</summary>
public sealed record TrialResult
{
    /// <summary>0-based trial number.</summary>
    public required int Id { get; init; }

    /// <summary>The hyperparameters tried.</summary>
    public required Parameter Parameter { get; init; }

    /// <summary>Completed, failed or cancelled.</summary>
    public required TrialStatus Status { get; init; }

    /// <summary>The optimised metric on the validation rows; null unless completed.</summary>
    public double? Metric { get; init; }

    /// <summary>What the tuner minimised: the metric, negated when maximised; +∞ when failed.</summary>
    public double Loss { get; init; } = double.PositiveInfinity;

    /// <summary>Every metric of the task on the validation rows (empty unless completed).</summary>
    public IReadOnlyDictionary<TextAutoMLMetric, double> Metrics { get; init; } = new Dictionary<TextAutoMLMetric, double>();

    /// <summary>Per-epoch training loss and validation metric.</summary>
    public IReadOnlyList<TrialEpoch> Epochs { get; init; } = [];

    /// <summary>Wall-clock time of the trial (training and evaluation).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The largest working set of the process seen during the trial, in bytes.</summary>
    public long PeakMemoryBytes { get; init; }

    /// <summary>The time budget ended the trial's training early; its model holds the best epoch reached.</summary>
    public bool StoppedByBudget { get; init; }

    /// <summary>The pruner (successive halving) stopped the trial after an epoch; its model holds the best epoch reached.</summary>
    public bool StoppedEarly { get; init; }

    /// <summary>Why the trial failed: the exception's type and message; null otherwise.</summary>
    public string? Error { get; init; }
}
