namespace Microsoft.ML.Deberta.AutoML;

/// <summary>Uniform sampling of the unit cube from a seed; the first trial is the space's default point.</summary>
public sealed class RandomSearchTuner : ITuner
{
    private readonly HyperparameterSpace _space;
    private readonly Random _random;
    private bool _defaultProposed;

    /// <summary>Creates a random search over <paramref name="space"/>.</summary>
    public RandomSearchTuner(HyperparameterSpace space, int seed)
    {
        _space = space ?? throw new ArgumentNullException(nameof(space));
        _random = new Random(seed);
    }

    /// <inheritdoc/>
    public Parameter? Propose(int trialId)
    {
        if (!_defaultProposed)
        {
            _defaultProposed = true;
            return _space.Default;
        }
        return _space.FromUnit([.. Enumerable.Range(0, _space.UnitDimensions).Select(_ => _random.NextDouble())]);
    }

    /// <inheritdoc/>
    public void Update(int trialId, Parameter parameter, double loss, double cost)
    {
    }
}
