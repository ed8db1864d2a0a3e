namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// FLAML's Flow2 local search (Wu et al., "Frugal Optimization for Cost-related Hyperparameters", AAAI 2021), as in
/// Microsoft.ML.AutoML's <c>Flow2</c>: from the incumbent, try a random direction of length <c>step</c>, then its
/// opposite; move on improvement (and grow the step), shrink the step after 2·dim misses; converged below 1e-4.
/// </summary>
internal sealed class Flow2Search
{
    private const double InitialStep = 0.1;
    private const double StepLowerBound = 1e-4;
    private const double ConvergeSpeed = 1.5;

    private readonly HyperparameterSpace _space;
    private readonly Random _random;
    private readonly int _dim;
    private readonly double _stepUpperBound;
    private readonly Dictionary<int, double[]> _proposed = new();
    private double[] _incumbent;
    private double[]? _directionTried;
    private double _step;
    private int _allowedForIncumbent;

    public Flow2Search(HyperparameterSpace space, double[] start, Random random)
    {
        _space = space;
        _random = random;
        _dim = Math.Max(1, space.UnitDimensions);
        _incumbent = start;
        _allowedForIncumbent = 2 * _dim;
        _stepUpperBound = Math.Sqrt(_dim);
        _step = Math.Min(InitialStep * Math.Sqrt(_dim), _stepUpperBound);
    }

    /// <summary>The incumbent's loss; null before the first result.</summary>
    public double? BestLoss { get; private set; }

    public bool IsConverged => _step < StepLowerBound;

    /// <summary>Proposes the start point itself (the first trial of a search); <paramref name="exact"/> is its parameter when known exactly.</summary>
    public Parameter ProposeStart(int trialId, Parameter? exact = null)
    {
        _proposed[trialId] = _incumbent;
        return exact ?? _space.FromUnit(_incumbent);
    }

    public Parameter Propose(int trialId)
    {
        _allowedForIncumbent--;
        double[] move;
        if (_directionTried is { } tried)
        {
            move = [.. _incumbent.Zip(tried, (x, d) => x - d)];
            _directionTried = null;
        }
        else
        {
            _directionTried = RandomDirection();
            move = [.. _incumbent.Zip(_directionTried, (x, d) => x + d)];
        }
        move = [.. move.Select(x => Math.Clamp(x, 0, 0.99999999))];
        _proposed[trialId] = move;
        return _space.FromUnit(move);
    }

    public void Update(int trialId, double loss)
    {
        if (!_proposed.Remove(trialId, out var point))
            return;
        if (BestLoss is null || loss < BestLoss)
        {
            BestLoss = loss;
            _incumbent = point;
            _allowedForIncumbent = 2 * _dim;
            _step = Math.Min(_step * ConvergeSpeed, _stepUpperBound);
            _directionTried = null;
        }
        else if (_allowedForIncumbent <= 0)
        {
            _allowedForIncumbent = 2;
            if (!IsConverged)
                _step /= ConvergeSpeed;
        }
    }

    // A uniformly random direction of length _step (a normal vector, normalised; Box–Muller from the seeded generator).
    private double[] RandomDirection()
    {
        var v = new double[_space.UnitDimensions];
        for (int i = 0; i < v.Length; i++)
            v[i] = Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
        double norm = Math.Sqrt(v.Sum(x => x * x));
        return norm == 0 ? v : [.. v.Select(x => x * _step / norm)];
    }
}
