namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// Cost-frugal search (CFO, as FLAML's and Microsoft.ML.AutoML's <c>CostFrugalTuner</c>): starts at the space's
/// default point, which by convention is the cheapest (fewest epochs, shortest texts, smallest model), and walks
/// from the best point found with <see cref="Flow2Search"/>; once the local search converges it restarts from a
/// random point. Seeded, so the same results give the same proposals.
/// </summary>
public sealed class CostFrugalTuner : ITuner
{
    private readonly HyperparameterSpace _space;
    private readonly Random _random;
    private Flow2Search _search;
    private bool _started;

    /// <summary>Creates a cost-frugal search over <paramref name="space"/>.</summary>
    public CostFrugalTuner(HyperparameterSpace space, int seed)
    {
        _space = space ?? throw new ArgumentNullException(nameof(space));
        _random = new Random(seed);
        _search = new Flow2Search(space, space.ToUnit(space.Default), _random);
    }

    /// <inheritdoc/>
    public Parameter? Propose(int trialId)
    {
        if (!_started)
        {
            _started = true;
            return _search.ProposeStart(trialId, _space.Default); // exactly the default, not its round trip through the cube
        }
        if (_search.IsConverged)
        {
            var restart = Enumerable.Range(0, _space.UnitDimensions).Select(_ => _random.NextDouble()).ToArray();
            _search = new Flow2Search(_space, restart, _random);
            return _search.ProposeStart(trialId);
        }
        return _search.Propose(trialId);
    }

    /// <inheritdoc/>
    public void Update(int trialId, Parameter parameter, double loss, double cost) =>
        _search.Update(trialId, double.IsNaN(loss) ? double.PositiveInfinity : loss);
}
