namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// Proposes the next point to try and learns from each result, as AutoML's <c>ITuner</c>. A tuner is deterministic
/// given its seed and the sequence of updates, which is what lets a resumed experiment replay it.
/// </summary>
public interface ITuner
{
    /// <summary>The parameter of trial <paramref name="trialId"/>, or null when the tuner has nothing left to try (a finished grid).</summary>
    Parameter? Propose(int trialId);

    /// <summary>Tells the tuner how a trial went.</summary>
    /// <param name="trialId">The trial's id, as given to <see cref="Propose"/>.</param>
    /// <param name="parameter">The trial's parameter.</param>
    /// <param name="loss">Lower is better: the metric, negated when it is maximised; +∞ for a failed trial.</param>
    /// <param name="cost">The trial's cost in seconds.</param>
    void Update(int trialId, Parameter parameter, double loss, double cost);
}
