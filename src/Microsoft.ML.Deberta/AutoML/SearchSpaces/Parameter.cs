using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// One point of a <see cref="HyperparameterSpace"/> in its JSON form, as AutoML's <c>Parameter</c>: option name → value, e.g.
/// <c>{"BatchSize":16,"Epochs":2,"LearningRate":0.001,"Model":"scratch-tiny"}</c>. Names are kept in order.
/// </summary>
public sealed class Parameter
{
    private readonly SortedDictionary<string, JsonNode> _values = new(StringComparer.Ordinal);

    /// <summary>Creates a parameter from name/value pairs.</summary>
    public Parameter(IEnumerable<KeyValuePair<string, JsonNode>> values)
    {
        foreach (var (name, value) in values)
            _values[name] = value.DeepClone();
    }

    /// <summary>Option names, in ordinal order.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>The value of an option.</summary>
    /// <exception cref="KeyNotFoundException">The parameter has no such option.</exception>
    public JsonNode this[string name] => _values.TryGetValue(name, out var v) ? v.DeepClone()
        : throw new KeyNotFoundException($"The parameter has no option '{name}' (it has {string.Join(", ", _values.Keys)}).");

    /// <summary>Whether the parameter sets an option.</summary>
    public bool Contains(string name) => _values.ContainsKey(name);

    /// <summary>The value as a number.</summary>
    public double GetNumber(string name) => AsNumber(this[name]) ?? throw new InvalidCastException($"Option '{name}' is {this[name].ToJsonString()}, not a number.");

    /// <summary>The value as a string (numbers and Booleans in their JSON form).</summary>
    public string GetString(string name) => this[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : this[name].ToJsonString();

    /// <summary>The JSON form: one object, names in ordinal order.</summary>
    public string ToJson()
    {
        var json = new JsonObject();
        foreach (var (name, value) in _values)
            json[name] = value.DeepClone();
        return json.ToJsonString();
    }

    /// <summary>Reads the JSON form.</summary>
    /// <exception cref="FormatException">The text is not a JSON object.</exception>
    public static Parameter FromJson(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"A parameter must be a JSON object of option values; '{json}' is not JSON: {e.Message}", e);
        }
        if (node is not JsonObject obj)
            throw new FormatException($"A parameter must be a JSON object of option values, not '{json}'.");
        return new Parameter(obj.Select(p => new KeyValuePair<string, JsonNode>(p.Key, p.Value ?? throw new FormatException($"Option '{p.Key}' is null in '{json}'."))));
    }

    /// <inheritdoc/>
    public override string ToString() => ToJson();

    /// <summary>A JSON number as a double, whatever CLR type the node holds; null when it is not a number.</summary>
    internal static double? AsNumber(JsonNode node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;
}
