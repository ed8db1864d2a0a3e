using System.Runtime.CompilerServices;

namespace Microsoft.ML.Deberta.Tests.PublicApi;

/// <summary>
/// The library's public surface must equal the reviewed listing in PublicApi.txt, so that a type or member does not
/// become public (or stop being public) by accident. After a deliberate change, regenerate the listing with
/// <c>./build.sh public-api</c> (the same as <c>DEBERTA_UPDATE_PUBLIC_API=1 ./build.sh test --filter
/// FullyQualifiedName~PublicApiTests</c>) and commit it with the change.
/// </summary>
[TestClass]
public sealed class PublicApiTests
{
    private const string UpdateVariable = "DEBERTA_UPDATE_PUBLIC_API";

    [TestMethod]
    public void ThePublicSurfaceMatchesTheBaseline()
    {
        var actual = PublicApiListing.Of(typeof(DebertaModelIO).Assembly);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllLines(SourceBaselinePath(), actual);
            Console.WriteLine($"Wrote {actual.Count} lines to {SourceBaselinePath()}.");
            return;
        }

        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "PublicApi", "PublicApi.txt"));
        var added = actual.Except(expected, StringComparer.Ordinal).ToArray();
        var removed = expected.Except(actual, StringComparer.Ordinal).ToArray();
        if (added.Length > 0 || removed.Length > 0)
            Assert.Fail(
                $"The public API differs from test/Microsoft.ML.Deberta.Tests/PublicApi/PublicApi.txt ({added.Length} added, {removed.Length} removed).\n" +
                string.Join("\n", removed.Select(l => "- " + l).Concat(added.Select(l => "+ " + l))) +
                "\nIf the change is deliberate, run `./build.sh public-api` and commit PublicApi.txt; otherwise make the new members internal.");
    }

    [TestMethod]
    public void TheListingShowsWhatAUserReachesAndNothingElse()
    {
        var listing = PublicApiListing.Of(typeof(DebertaModelIO).Assembly);

        Assert.Contains("static class Microsoft.ML.Deberta.DebertaModelIO", listing);
        Assert.IsTrue(listing.Any(l => l.StartsWith("  static Microsoft.ML.Deberta.DebertaModelIO.Load(MLContext mlContext, String path, out DataViewSchema inputSchema", StringComparison.Ordinal)),
            "a static method with an out parameter");
        Assert.IsTrue(listing.Any(l => l.StartsWith("enum Microsoft.ML.Deberta.LongTextStrategy", StringComparison.Ordinal)));
        Assert.Contains("  Microsoft.ML.Deberta.LongTextStrategy.Truncate = 0", listing);
        Assert.IsFalse(listing.Any(l => l.Contains("SafeTensorsFile", StringComparison.Ordinal)), "internal types are not listed");
        Assert.IsFalse(listing.Any(l => l.Contains("IsHeadKey", StringComparison.Ordinal)), "internal members are not listed");
        Assert.IsFalse(listing.Any(l => l.Contains('<') && l.Contains('$')), "compiler-generated names are not listed");
        var typeNames = listing.Where(l => !l.StartsWith(' ')).Select(l => l.Split(' ').First(w => w.StartsWith("Microsoft.ML", StringComparison.Ordinal))).ToArray();
        CollectionAssert.AreEqual(typeNames.Order(StringComparer.Ordinal).ToArray(), typeNames, "types sorted by name, so diffs are stable");
    }

    private static string SourceBaselinePath([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "PublicApi.txt");
}
