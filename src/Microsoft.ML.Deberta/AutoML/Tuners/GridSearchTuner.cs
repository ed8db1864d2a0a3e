namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// Every combination of the choices and of <c>steps</c> evenly spaced values per numeric range, each once, in an
/// order shuffled from the seed (a time budget then samples the whole grid, not one corner), after the default point.
/// </summary>
public sealed class GridSearchTuner : ITuner
{
    private readonly List<Parameter> _grid;
    private int _next;

    /// <summary>Creates a grid over <paramref name="space"/>.</summary>
    /// <param name="space">The search space.</param>
    /// <param name="steps">Values per numeric range (at least 2).</param>
    /// <param name="seed">The seed of the visiting order.</param>
    /// <exception cref="ArgumentOutOfRangeException">steps &lt; 2, or the grid has more than a million points.</exception>
    public GridSearchTuner(HyperparameterSpace space, int steps = 3, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        var axes = space.Dimensions.Where(d => d.UnitDimensions > 0).Select(d => d.GridPoints(steps)).ToList();
        double size = axes.Aggregate(1.0, (n, a) => n * a.Count);
        if (size > 1e6)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"The grid would have {size:G3} points; use fewer steps or a narrower space.");
        IEnumerable<double[]> points = [[]];
        foreach (var axis in axes)
            points = points.SelectMany(p => axis.Select(x => (double[])[.. p, x]));
        var parameters = points.Select(space.FromUnit).DistinctBy(p => p.ToJson()).ToList();
        var first = space.Default;
        var random = new Random(seed);
        _grid = [first, .. parameters.Where(p => p.ToJson() != first.ToJson()).OrderBy(_ => random.Next())];
    }

    /// <summary>Points in the grid.</summary>
    public int Count => _grid.Count;

    /// <inheritdoc/>
    public Parameter? Propose(int trialId) => _next < _grid.Count ? _grid[_next++] : null;

    /// <inheritdoc/>
    public void Update(int trialId, Parameter parameter, double loss, double cost)
    {
    }
}
