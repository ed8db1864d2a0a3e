using System.Globalization;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// A number in [min, max] (an integer or a floating-point value), mapped linearly or on a log scale as AutoML's
/// <c>UniformNumericOption</c> does; integers take equal buckets of the unit interval.
/// </summary>
public sealed class NumericDimension : SearchDimension
{
    /// <summary>Creates a numeric option.</summary>
    /// <param name="name">The option's name.</param>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value (≥ min).</param>
    /// <param name="init">The starting value, in [min, max]; null for min.</param>
    /// <param name="logScale">Map on a log scale (needs min &gt; 0).</param>
    /// <param name="isInteger">Whether the values are integers.</param>
    /// <exception cref="ArgumentException">min &gt; max, a bound that is not finite, a log range with min ≤ 0, or init outside the range.</exception>
    public NumericDimension(string name, double min, double max, double? init = null, bool logScale = false, bool isInteger = false)
        : base(name)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
            throw new ArgumentException($"Search space option '{name}': the range [{F(min)}, {F(max)}] must have finite bounds.", nameof(min));
        if (min > max)
            throw new ArgumentException($"Search space option '{name}': the range has min {F(min)} > max {F(max)}; swap them.", nameof(min));
        if (logScale && min <= 0)
            throw new ArgumentException(
                $"Search space option '{name}': a log-scale range needs min > 0, but it is [{F(min)}, {F(max)}]; raise min or drop the log scale.", nameof(min));
        var start = init ?? min;
        if (!(start >= min && start <= max))
            throw new ArgumentException($"Search space option '{name}': the initial value {F(start)} lies outside [{F(min)}, {F(max)}].", nameof(init));
        Min = min;
        Max = max;
        Init = start;
        LogScale = logScale;
        IsInteger = isInteger;
    }

    /// <summary>The smallest value.</summary>
    public double Min { get; }

    /// <summary>The largest value.</summary>
    public double Max { get; }

    /// <summary>The starting value.</summary>
    public double Init { get; }

    /// <summary>Whether the mapping is logarithmic.</summary>
    public bool LogScale { get; }

    /// <summary>Whether the values are integers.</summary>
    public bool IsInteger { get; }

    /// <inheritdoc/>
    public override int UnitDimensions => Min == Max ? 0 : 1;

    /// <inheritdoc/>
    public override JsonNode Default => Node(Init);

    /// <inheritdoc/>
    public override JsonNode FromUnit(double unit)
    {
        unit = double.IsNaN(unit) ? 0 : Math.Clamp(unit, 0, 1);
        if (IsInteger && !LogScale)
            return Node(Math.Min(Max, Min + Math.Floor(unit * (Max - Min + 1))));
        double value = LogScale
            ? Math.Exp(Math.Log(Min) + unit * (Math.Log(Max) - Math.Log(Min)))
            : Min + unit * (Max - Min);
        // 12 significant digits: exp(log(x)) round trips give 1.0000000000000002E-05, not a value anyone chose.
        return Node(Math.Clamp(IsInteger ? Math.Round(value) : double.Parse(value.ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), Min, Max));
    }

    /// <inheritdoc/>
    public override double ToUnit(JsonNode value)
    {
        double v = Parameter.AsNumber(value) ?? throw new ArgumentException($"Search space option '{Name}': {value.ToJsonString()} is not a number.", nameof(value));
        if (!(v >= Min && v <= Max))
            throw new ArgumentException($"Search space option '{Name}': {F(v)} lies outside [{F(Min)}, {F(Max)}].", nameof(value));
        if (Min == Max) return 0;
        if (IsInteger && !LogScale)
            return Math.Clamp((v - Min + 0.5) / (Max - Min + 1), 0, 1);
        return Math.Clamp(LogScale ? (Math.Log(v) - Math.Log(Min)) / (Math.Log(Max) - Math.Log(Min)) : (v - Min) / (Max - Min), 0, 1);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<double> GridPoints(int steps)
    {
        if (Min == Max) return [0];
        if (IsInteger && !LogScale && Max - Min + 1 <= steps)
            return [.. Enumerable.Range(0, (int)(Max - Min + 1)).Select(i => (i + 0.5) / (Max - Min + 1))];
        var points = Enumerable.Range(0, steps).Select(i => steps == 1 ? 0 : (double)i / (steps - 1));
        // Integer ranges can map two points to one value: keep the first of each.
        return [.. points.DistinctBy(p => FromUnit(p).ToJsonString())];
    }

    /// <inheritdoc/>
    public override string Describe() => $"{(LogScale ? "log " : "")}[{F(Min)}, {F(Max)}], init {F(Init)}";

    private JsonNode Node(double value) => IsInteger ? JsonValue.Create((long)value) : JsonValue.Create(value);

    private static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
