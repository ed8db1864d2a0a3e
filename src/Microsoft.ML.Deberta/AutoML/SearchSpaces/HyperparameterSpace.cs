using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.ML.SearchSpace;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// The options a sweep may vary, each mapped to one coordinate of the unit cube (none for a fixed value), as in
/// Microsoft.ML.AutoML: declared on an options class with ML.NET's own attributes (<see cref="RangeAttribute"/>,
/// <see cref="ChoiceAttribute"/>, <see cref="BooleanChoiceAttribute"/> from Microsoft.ML 5.0.1), then narrowed or
/// replaced option by option with <see cref="With"/>. Options are kept in ordinal name order.
/// </summary>
public sealed class HyperparameterSpace
{
    private readonly SearchDimension[] _dimensions;

    /// <summary>Creates a space from its options.</summary>
    /// <exception cref="ArgumentException">No option, or two with one name.</exception>
    public HyperparameterSpace(IEnumerable<SearchDimension> dimensions)
    {
        _dimensions = [.. dimensions.OrderBy(d => d.Name, StringComparer.Ordinal)];
        if (_dimensions.Length == 0)
            throw new ArgumentException("A search space needs at least one option.", nameof(dimensions));
        var twice = _dimensions.GroupBy(d => d.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new ArgumentException($"The search space has two options named '{twice.Key}'.", nameof(dimensions));
    }

    /// <summary>The options, in ordinal name order.</summary>
    public IReadOnlyList<SearchDimension> Dimensions => _dimensions;

    /// <summary>Coordinates of the unit cube (options with more than one value).</summary>
    public int UnitDimensions => _dimensions.Sum(d => d.UnitDimensions);

    /// <summary>The starting point: every option's initial value.</summary>
    public Parameter Default => new(_dimensions.Select(d => KeyValuePair.Create(d.Name, d.Default)));

    /// <summary>
    /// Reads the space from the public fields and properties of <typeparamref name="TOptions"/> that carry a search
    /// attribute; a <c>[Range]</c> of ints is an integer range.
    /// </summary>
    /// <exception cref="ArgumentException">An attribute is invalid (min &gt; max, a log range with min ≤ 0, …), or no member has one.</exception>
    public static HyperparameterSpace FromOptions<TOptions>() => FromType(typeof(TOptions));

    /// <inheritdoc cref="FromOptions{TOptions}"/>
    public static HyperparameterSpace FromType(Type optionsType)
    {
        ArgumentNullException.ThrowIfNull(optionsType);
        var dimensions = new List<SearchDimension>();
        foreach (var member in optionsType.GetMembers(BindingFlags.Public | BindingFlags.Instance).Where(m => m is FieldInfo or PropertyInfo))
        {
            if (member.GetCustomAttribute<RangeAttribute>() is { } range)
            {
                bool isInteger = range.Min is int;
                dimensions.Add(new NumericDimension(member.Name, Convert.ToDouble(range.Min, CultureInfo.InvariantCulture),
                    Convert.ToDouble(range.Max, CultureInfo.InvariantCulture),
                    range.Init is null ? null : Convert.ToDouble(range.Init, CultureInfo.InvariantCulture), range.LogBase, isInteger));
            }
            else if (member.GetCustomAttribute<ChoiceAttribute>() is { } choice)
            {
                dimensions.Add(new ChoiceDimension(member.Name, choice.Candidates, choice.DefaultValue));
            }
            else if (member.GetCustomAttribute<BooleanChoiceAttribute>() is { } boolean)
            {
                dimensions.Add(new ChoiceDimension(member.Name, [false, true], boolean.DefaultValue));
            }
        }
        if (dimensions.Count == 0)
            throw new ArgumentException($"{optionsType.Name} has no public field or property with [Range], [Choice] or [BooleanChoice].", nameof(optionsType));
        return new HyperparameterSpace(dimensions);
    }

    /// <summary>A copy with one option replaced (to narrow a range or change the choices), or added when new.</summary>
    public HyperparameterSpace With(SearchDimension dimension)
    {
        ArgumentNullException.ThrowIfNull(dimension);
        return new HyperparameterSpace(_dimensions.Where(d => d.Name != dimension.Name).Append(dimension));
    }

    /// <summary>The option with this name.</summary>
    /// <exception cref="KeyNotFoundException">There is none.</exception>
    public SearchDimension this[string name] => _dimensions.FirstOrDefault(d => d.Name == name)
        ?? throw new KeyNotFoundException($"The search space has no option '{name}' (it has {string.Join(", ", _dimensions.Select(d => d.Name))}).");

    /// <summary>The parameter at a point of the unit cube (one coordinate per option with more than one value).</summary>
    /// <exception cref="ArgumentException">The point has the wrong number of coordinates.</exception>
    public Parameter FromUnit(IReadOnlyList<double> point)
    {
        if (point.Count != UnitDimensions)
            throw new ArgumentException($"The point has {point.Count} coordinates; this search space has {UnitDimensions}.", nameof(point));
        int i = 0;
        return new Parameter(_dimensions.Select(d => KeyValuePair.Create(d.Name, d.UnitDimensions == 0 ? d.Default : d.FromUnit(point[i++]))));
    }

    /// <summary>The point of the unit cube of a parameter.</summary>
    /// <exception cref="ArgumentException">The parameter lacks an option or holds a value outside its range.</exception>
    public double[] ToUnit(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return [.. _dimensions.Where(d => d.UnitDimensions > 0).Select(d => parameter.Contains(d.Name) ? d.ToUnit(parameter[d.Name])
            : throw new ArgumentException($"The parameter {parameter} has no value for option '{d.Name}'.", nameof(parameter)))];
    }

    /// <summary>A description of every option, one per line; two spaces with the same description search the same space.</summary>
    public string Describe() => string.Join("\n", _dimensions.Select(d => $"{d.Name}: {d.Describe()}"));

    /// <summary>Sets each option of <paramref name="parameter"/> on the field or property of that name of <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The options object has no settable member of that name.</exception>
    public static void ApplyTo(object options, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(parameter);
        var type = options.GetType();
        foreach (var name in parameter.Names)
        {
            var member = type.GetMember(name, BindingFlags.Public | BindingFlags.Instance).FirstOrDefault()
                ?? throw new ArgumentException($"{type.Name} has no public field or property '{name}' for the search space's option.", nameof(parameter));
            switch (member)
            {
                case FieldInfo field: field.SetValue(options, ConvertValue(parameter[name], field.FieldType, name)); break;
                case PropertyInfo { CanWrite: true } property: property.SetValue(options, ConvertValue(parameter[name], property.PropertyType, name)); break;
                default: throw new ArgumentException($"{type.Name}.{name} cannot be set.", nameof(parameter));
            }
        }
    }

    private static object? ConvertValue(JsonNode value, Type type, string name)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        try
        {
            return type == typeof(string) ? (value is JsonValue v && v.TryGetValue(out string? s) ? s : value.ToJsonString())
                : type.IsEnum ? Enum.Parse(type, value.GetValue<string>())
                : type == typeof(bool) ? value.GetValue<bool>()
                : System.Convert.ChangeType(Parameter.AsNumber(value) ?? throw new FormatException("not a number"), type, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or InvalidCastException or ArgumentException or OverflowException)
        {
            throw new ArgumentException($"Option '{name}': {value.ToJsonString()} cannot be a {type.Name}.", nameof(value), e);
        }
    }
}
