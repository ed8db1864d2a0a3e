using System.Text.Json;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>Reads the value shapes of the *.cases.json reference files.</summary>
internal static class GoldenJson
{
    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    public static int?[] NullableInts(JsonElement e)
        => e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Null ? (int?)null : x.GetInt32()).ToArray();

    public static string[] Strings(JsonElement e) => e.EnumerateArray().Select(x => x.GetString()!).ToArray();

    public static TokenOffset[] Offsets(JsonElement e)
        => e.EnumerateArray().Select(p => new TokenOffset(p[0].GetInt32(), p[1].GetInt32())).ToArray();

    public static T[][] Rows<T>(JsonElement e, Func<JsonElement, T[]> row) => e.EnumerateArray().Select(row).ToArray();

    public static string Show<T>(IReadOnlyList<T> values)
        => "[" + string.Join(", ", values.Take(40).Select(v => v is null ? "null" : v is string s ? JsonSerializer.Serialize(s) : v.ToString())) + (values.Count > 40 ? ", …" : "") + "]";
}
