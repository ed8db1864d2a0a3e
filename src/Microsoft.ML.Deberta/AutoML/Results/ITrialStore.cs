namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// Keeps every trial of an experiment as it happens, so that a killed experiment can resume: completed and failed
/// trials are read back instead of rerun, and a trial left running is run again. <see cref="SqliteTrialStore"/> is the
/// default; a server database can implement the same calls.
/// </summary>
public interface ITrialStore : IDisposable
{
    /// <summary>
    /// Opens the store for an experiment described by <paramref name="experimentKey"/> (its search space and settings);
    /// a new store records the key.
    /// </summary>
    /// <exception cref="InvalidOperationException">The store holds trials of an experiment with another key.</exception>
    void Open(string experimentKey);

    /// <summary>The stored trials in id order: completed, failed, and any left running by a killed run.</summary>
    IReadOnlyList<TrialResult> LoadTrials();

    /// <summary>Records that a trial started (replacing what a previous, interrupted run stored for that id).</summary>
    void TrialStarted(int id, Parameter parameter);

    /// <summary>Records one finished epoch of a running trial.</summary>
    void EpochCompleted(int id, TrialEpoch epoch);

    /// <summary>Records a trial's outcome.</summary>
    void TrialFinished(TrialResult trial);
}
