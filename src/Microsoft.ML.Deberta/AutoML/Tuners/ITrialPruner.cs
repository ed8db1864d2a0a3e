namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// Decides after each epoch whether a running trial is worth finishing (e.g. <see cref="SuccessiveHalvingPruner"/>).
/// A pruned trial stops as the time budget stops one: it keeps its best epoch and is a completed trial, marked
/// <see cref="TrialResult.StoppedEarly"/>.
/// </summary>
public interface ITrialPruner
{
    /// <summary>Records a trial's epoch and says whether the trial should stop now.</summary>
    /// <param name="trialId">The trial.</param>
    /// <param name="epoch">The epoch it finished, with the trainer's validation metric.</param>
    /// <param name="replay">True when the epoch is read back from a trial store: record it, decide nothing.</param>
    bool ShouldStop(int trialId, TrialEpoch epoch, bool replay = false);
}
