namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// Asynchronous successive halving over epochs (ASHA, Li et al. 2020, in its stopping form): rungs at epochs
/// r, r·η, r·η², …; a trial reaching a rung continues only if its validation metric is among the best ⌊n/η⌋ of the n
/// trials that reached that rung so far (ties continue), so at most about one trial in η goes on past each rung. Until
/// η trials have reached a rung, everyone continues. The metric is the trainer's per-epoch validation metric
/// (macro-F1 is maximised, RMSE minimised).
/// </summary>
public sealed class SuccessiveHalvingPruner : ITrialPruner
{
    private readonly Dictionary<int, Dictionary<int, double>> _rungs = new(); // epoch → trial → loss

    /// <summary>Creates the pruner.</summary>
    /// <param name="reductionFactor">η: one trial in η continues past a rung (at least 2).</param>
    /// <param name="minEpochs">r: the first rung's epoch (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">η &lt; 2 or r &lt; 1.</exception>
    public SuccessiveHalvingPruner(int reductionFactor = 3, int minEpochs = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(reductionFactor, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(minEpochs, 1);
        ReductionFactor = reductionFactor;
        MinEpochs = minEpochs;
    }

    /// <summary>η.</summary>
    public int ReductionFactor { get; }

    /// <summary>r.</summary>
    public int MinEpochs { get; }

    /// <summary>Whether an epoch is a rung: r·η^k.</summary>
    public bool IsRung(int epoch)
    {
        for (long rung = MinEpochs; rung <= epoch; rung *= ReductionFactor)
            if (rung == epoch) return true;
        return false;
    }

    /// <inheritdoc/>
    public bool ShouldStop(int trialId, TrialEpoch epoch, bool replay = false)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        if (!IsRung(epoch.Epoch) || epoch.ValidationMetric is not double metric || !double.IsFinite(metric))
            return false;
        double loss = epoch.ValidationMetricName == "RMSE" ? metric : -metric;
        if (!_rungs.TryGetValue(epoch.Epoch, out var rung))
            _rungs[epoch.Epoch] = rung = new();
        rung[trialId] = loss;
        if (replay || rung.Count < ReductionFactor)
            return false;
        int keep = rung.Count / ReductionFactor;
        double cutoff = rung.Values.Order().ElementAt(keep - 1);
        return loss > cutoff;
    }
}
