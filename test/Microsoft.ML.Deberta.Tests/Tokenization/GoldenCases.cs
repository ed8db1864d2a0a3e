using System.Text.Json;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>The cases of a bundled reference file, for unit tests that need reference values.</summary>
internal static class GoldenCases
{
    public static JsonElement[] Load(string fileName)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(GoldenData.BundledRoot, "tokenizer", fileName)));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    }

    public static JsonElement[] OfKind(string fileName, string kind)
        => Load(fileName).Where(c => c.GetProperty("kind").GetString() == kind).ToArray();
}
