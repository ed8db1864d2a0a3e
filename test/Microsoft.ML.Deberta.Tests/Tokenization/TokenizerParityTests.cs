namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>
/// Walks every tokenizer/*.cases.json under the golden root and requires exact equality of every field.
/// *.transformers5.cases.json files (and files whose meta says informational_only) record what transformers 5.17
/// does where it departs from the trained-with semantics; they are listed but not compared.
/// </summary>
[TestClass]
public sealed class TokenizerParityTests
{
    [TestMethod]
    [TestCategory("Parity")]
    public void EveryCasesFileMatchesTheReference()
    {
        string root = GoldenData.Root;
        string folder = GoldenData.RequireFolder("tokenizer");
        string[] files = Directory.GetFiles(folder, "*.cases.json").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
            GoldenData.NothingToCompare($"no *.cases.json files in {folder}");

        var failures = new List<string>();
        int compared = 0, totalCases = 0, totalFields = 0;
        foreach (string file in files)
        {
            string name = Path.GetFileName(file);
            if (name.EndsWith(".transformers5.cases.json", StringComparison.Ordinal) || IsInformational(file))
            {
                Console.WriteLine($"{name}: informational (transformers 5 behaviour), not compared");
                continue;
            }
            TokenizerCasesRunner result = TokenizerCasesRunner.Run(file, root);
            compared++;
            totalCases += result.Cases;
            totalFields += result.Fields;
            Console.WriteLine($"{name}: {result.Cases} cases, {result.Fields} fields compared, {result.Failures.Count} mismatches ({result.Description})");
            failures.AddRange(result.Failures);
        }
        Console.WriteLine($"total: {compared} files, {totalCases} cases, {totalFields} fields compared");
        Assert.IsTrue(compared > 0, "Every cases file was informational; nothing was compared.");
        if (failures.Count > 0)
            Assert.Fail($"{failures.Count} mismatches:\n" + string.Join("\n", failures.Take(60)));
    }

    private static bool IsInformational(string file)
    {
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
        return document.RootElement.TryGetProperty("meta", out var meta)
            && meta.TryGetProperty("informational_only", out var flag)
            && flag.ValueKind == System.Text.Json.JsonValueKind.True;
    }
}
