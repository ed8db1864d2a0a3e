using System.Text.Json.Nodes;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// One option of a <see cref="HyperparameterSpace"/> and its mapping to the unit interval, as Microsoft.ML.AutoML maps it:
/// a number linearly or on a log scale, a choice to equal buckets of [0, 1) (no dimension at all for a single choice).
/// </summary>
public abstract class SearchDimension
{
    private protected SearchDimension(string name) => Name = name;

    /// <summary>The option's name (the field or property of the options class).</summary>
    public string Name { get; }

    /// <summary>Coordinates this option takes in the unit cube: 1, or 0 for a single fixed choice.</summary>
    public abstract int UnitDimensions { get; }

    /// <summary>The starting value (cheap by convention: the cost-frugal tuner starts there).</summary>
    public abstract JsonNode Default { get; }

    /// <summary>The value at unit coordinate <paramref name="unit"/> in [0, 1].</summary>
    public abstract JsonNode FromUnit(double unit);

    /// <summary>The unit coordinate of a value (the centre of its bucket for a choice).</summary>
    /// <exception cref="ArgumentException">The value is outside this option's range or choices.</exception>
    public abstract double ToUnit(JsonNode value);

    /// <summary>Unit coordinates of a grid over this option: every choice, or <paramref name="steps"/> evenly spaced numbers.</summary>
    public abstract IReadOnlyList<double> GridPoints(int steps);

    /// <summary>A short description for messages and the report, e.g. <c>log [1e-05, 0.001]</c>.</summary>
    public abstract string Describe();

    /// <summary>Clamps a unit coordinate into [0, 1).</summary>
    private protected static double Clamp(double unit) => double.IsNaN(unit) ? 0 : Math.Clamp(unit, 0, 0.99999999);
}
