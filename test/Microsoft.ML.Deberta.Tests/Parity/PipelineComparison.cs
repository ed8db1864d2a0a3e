using System.Text.Json;
using Microsoft.ML.Deberta.Tests.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Parity;

/// <summary>Field-by-field comparison of pipeline outputs: exact fields, scores within a tolerance, the largest |Δscore|.</summary>
internal sealed class PipelineComparison
{
    public const double ScoreTolerance = 1e-5;

    private readonly FieldComparison _fields = new();

    /// <summary>Stored outputs (entities, answers) compared.</summary>
    public int Outputs { get; set; }

    public double MaxScoreDelta { get; private set; }

    public List<string> Failures => _fields.Failures;

    public void Exact<T>(string where, T expected, T actual) => _fields.Value(where, expected, actual);

    public void Fail(string message) => _fields.Fail(message);

    public void Score(string where, double expected, double actual)
    {
        double delta = Math.Abs(expected - actual);
        MaxScoreDelta = Math.Max(MaxScoreDelta, double.IsNaN(delta) ? double.PositiveInfinity : delta);
        if (!(delta <= ScoreTolerance))
            _fields.Fail($"{where}: score expected {expected:R}, actual {actual:R} (|Δ| {delta:E2} > {ScoreTolerance:E0})");
    }

    /// <summary>Fails for every property of a stored output that no comparison consumed.</summary>
    public void NoOtherFields(string where, JsonElement stored, params string[] compared)
    {
        foreach (JsonProperty property in stored.EnumerateObject())
            if (!compared.Contains(property.Name))
                _fields.Fail($"{where}: stored field '{property.Name}' is not compared; teach the parity test what it means.");
    }

    public string Report(string folder, string task) => $"pipeline {folder} {task}: {Outputs} outputs compared, max |Δscore| {MaxScoreDelta:E2}";
}
