using System.Text.Json.Nodes;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// One of a list of values (numbers, strings or Booleans), mapped to equal buckets of the unit interval as AutoML's
/// <c>ChoiceOption</c> does; a single choice is a fixed value and takes no dimension.
/// </summary>
public sealed class ChoiceDimension : SearchDimension
{
    private readonly JsonNode[] _candidates;
    private readonly int _defaultIndex;

    /// <summary>Creates a choice option.</summary>
    /// <param name="name">The option's name.</param>
    /// <param name="candidates">The values (at least one, no duplicates).</param>
    /// <param name="defaultValue">The starting value (one of the candidates); null for the first.</param>
    /// <exception cref="ArgumentException">No candidate, a duplicate, or a default that is not a candidate.</exception>
    public ChoiceDimension(string name, IEnumerable<object> candidates, object? defaultValue = null)
        : base(name)
    {
        _candidates = [.. candidates.Select(c => JsonValue.Create(c) ?? throw new ArgumentException($"Search space option '{name}': a choice is null.", nameof(candidates)))];
        if (_candidates.Length == 0)
            throw new ArgumentException($"Search space option '{name}' has no choices; give at least one.", nameof(candidates));
        var keys = _candidates.Select(c => c.ToJsonString()).ToList();
        if (keys.Distinct().Count() != keys.Count)
            throw new ArgumentException($"Search space option '{name}' lists a choice twice: {string.Join(", ", keys)}.", nameof(candidates));
        _defaultIndex = defaultValue is null ? 0 : keys.IndexOf(JsonValue.Create(defaultValue)!.ToJsonString());
        if (_defaultIndex < 0)
            throw new ArgumentException($"Search space option '{name}': the default {defaultValue} is not one of the choices {string.Join(", ", keys)}.", nameof(defaultValue));
    }

    /// <summary>The values, in order.</summary>
    public IReadOnlyList<JsonNode> Candidates => _candidates;

    /// <inheritdoc/>
    public override int UnitDimensions => _candidates.Length > 1 ? 1 : 0;

    /// <inheritdoc/>
    public override JsonNode Default => _candidates[_defaultIndex].DeepClone();

    /// <inheritdoc/>
    public override JsonNode FromUnit(double unit) =>
        _candidates[Math.Min(_candidates.Length - 1, (int)Math.Floor(Clamp(unit) * _candidates.Length))].DeepClone();

    /// <inheritdoc/>
    public override double ToUnit(JsonNode value)
    {
        var key = value.ToJsonString();
        int index = Array.FindIndex(_candidates, c => c.ToJsonString() == key || SameNumber(c, value));
        if (index < 0)
            throw new ArgumentException($"Search space option '{Name}': {key} is not one of {Describe()}.", nameof(value));
        return (index + 0.5) / _candidates.Length;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<double> GridPoints(int steps) =>
        [.. Enumerable.Range(0, _candidates.Length).Select(i => (i + 0.5) / _candidates.Length)];

    /// <inheritdoc/>
    public override string Describe() => "{" + string.Join(", ", _candidates.Select(c => c.ToJsonString())) + "}, init " + Default.ToJsonString();

    // 16 and 16.0 are the same choice once a parameter went through JSON.
    private static bool SameNumber(JsonNode a, JsonNode b) =>
        Parameter.AsNumber(a) is double x && Parameter.AsNumber(b) is double y && x == y;
}
