using System.Text.Json;

namespace Microsoft.ML.Deberta.Tests;

/// <summary>
/// Where the transformers reference data lives: the folder named by <c>DEBERTA_GOLDEN_ROOT</c> when set, otherwise
/// the repository's copy under TestData/golden (same layout as ../shared/golden: models/, tokenizer/, training/).
/// </summary>
/// <remarks>
/// The repository's copy must hold every kind of reference: a missing piece there fails the test. A root named by
/// <c>DEBERTA_GOLDEN_ROOT</c> may hold only some kinds (say, models of other variants without tokenizer cases); a
/// test whose kind of reference is absent there reports itself inconclusive with that reason instead of failing.
/// </remarks>
internal static class GoldenData
{
    private const string RootVariable = "DEBERTA_GOLDEN_ROOT";

    /// <summary>The repository's own copy, whatever the environment says (for tests that need fixed files).</summary>
    public static string BundledRoot => Path.Combine(AppContext.BaseDirectory, "TestData", "golden");

    /// <summary>Whether <c>DEBERTA_GOLDEN_ROOT</c> names the root.</summary>
    public static bool IsCustomRoot => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(RootVariable));

    /// <summary>The golden root the parity tests walk.</summary>
    public static string Root => IsCustomRoot ? Environment.GetEnvironmentVariable(RootVariable)! : BundledRoot;

    /// <summary>A file or folder of the repository's own copy.</summary>
    public static string Bundled(params string[] parts) => Path.Combine([BundledRoot, .. parts]);

    /// <summary>
    /// The named top-level folder of the golden root (<c>models</c>, <c>tokenizer</c>, <c>training</c>). Fails when the
    /// repository's copy lacks it; inconclusive when a custom root lacks it.
    /// </summary>
    public static string RequireFolder(string name)
    {
        var folder = Path.Combine(Root, name);
        if (!Directory.Exists(folder))
            NothingToCompare($"the golden root '{Root}' has no {name}/ folder");
        return folder;
    }

    /// <summary>
    /// Ends a test that found no reference of its kind: a failure for the repository's copy, inconclusive (with the
    /// reason) for a custom root that does not hold that kind of reference.
    /// </summary>
    public static void NothingToCompare(string reason)
    {
        if (IsCustomRoot)
            Assert.Inconclusive($"Nothing to compare: {reason} ({RootVariable} is set).");
        Assert.Fail($"Nothing to compare: {reason}. The repository's reference data is incomplete.");
    }

    /// <summary>The <c>tokenizers</c> library version that wrote the references (the root's versions.json), if recorded.</summary>
    public static Version? TokenizersVersion(string root)
    {
        string path = Path.Combine(root, "versions.json");
        if (!File.Exists(path))
            return null;
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.TryGetProperty("versions", out JsonElement versions)
            && versions.TryGetProperty("tokenizers", out JsonElement value)
            && Version.TryParse(value.GetString(), out Version? version) ? version : null;
    }

    /// <summary>
    /// Whether the root's references were written by <c>tokenizers</c> ≥ 0.23.1, whose truncation stops tokenizing a
    /// sequence once it has max_length tokens, so its overflow windows end early (see the Tokenization README).
    /// </summary>
    public static bool WrittenWithTokenizersEarlyExit(string root) => TokenizersVersion(root) is Version v && v >= new Version(0, 23, 1);
}
