namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>Counts compared fields and collects every mismatch (a run reports all of them, not just the first).</summary>
internal sealed class FieldComparison
{
    public int Fields { get; private set; }

    public List<string> Failures { get; } = [];

    public void Sequence<T>(string where, IReadOnlyList<T> expected, IReadOnlyList<T> actual)
    {
        Fields++;
        if (!expected.SequenceEqual(actual))
        {
            int first = Enumerable.Range(0, Math.Min(expected.Count, actual.Count)).FirstOrDefault(i => !Equals(expected[i], actual[i]), Math.Min(expected.Count, actual.Count));
            Failures.Add($"{where}: differs at index {first} (lengths {expected.Count} / {actual.Count})\n    expected {GoldenJson.Show(expected)}\n    actual   {GoldenJson.Show(actual)}");
        }
    }

    public void Value<T>(string where, T expected, T actual)
    {
        Fields++;
        if (!Equals(expected, actual))
            Failures.Add($"{where}: expected {Quote(expected)}, actual {Quote(actual)}");
    }

    public void Fail(string message) => Failures.Add(message);

    private static string Quote<T>(T value) => value is string s ? System.Text.Json.JsonSerializer.Serialize(s) : value?.ToString() ?? "null";
}
