using System.Text.Json;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>
/// Where the reference data lives: the folder named by DEBERTA_GOLDEN_ROOT, otherwise the copy in TestData/golden
/// (same layout as ../shared/golden).
/// </summary>
internal static class TokenizerGoldenRoot
{
    public static string Path
    {
        get
        {
            string? fromEnvironment = Environment.GetEnvironmentVariable("DEBERTA_GOLDEN_ROOT");
            return string.IsNullOrWhiteSpace(fromEnvironment)
                ? System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "golden")
                : fromEnvironment;
        }
    }

    /// <summary>The repository's own copy, whatever DEBERTA_GOLDEN_ROOT says (for unit tests that need fixed files).</summary>
    public static string Bundled => System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "golden");

    public static string BundledTokenizer(string name) => System.IO.Path.Combine(Bundled, "tokenizer", name);

    /// <summary>The <c>tokenizers</c> library version that wrote the references (versions.json), if recorded.</summary>
    public static Version? TokenizersVersion(string root)
    {
        string path = System.IO.Path.Combine(root, "versions.json");
        if (!File.Exists(path))
            return null;
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.TryGetProperty("versions", out JsonElement versions)
            && versions.TryGetProperty("tokenizers", out JsonElement value)
            && Version.TryParse(value.GetString(), out Version? version) ? version : null;
    }
}
