namespace Microsoft.ML.Deberta.Tests.DocSnippets;

/// <summary>
/// Every C# snippet of README.md, nuget/README.md and docs/*.md compiles as shown (with its own usings, in a .NET 10
/// console app) and runs, in a folder holding the models and data it names (docs/snippets.md has the convention).
/// </summary>
[TestClass]
public sealed class DocSnippetTests
{
    public static IEnumerable<object[]> Snippets => DocSnippetReader.All().Select(s => new object[] { s.File, s.Line });

    [TestMethod]
    [DynamicData(nameof(Snippets))]
    public void TheSnippetCompilesAndRunsAsWritten(string file, int line)
    {
        var snippet = DocSnippetReader.All().Single(s => s.File == file && s.Line == line);
        DocSnippetRunner.Run(snippet);
    }

    [TestMethod]
    public void EveryCSharpBlockIsAMarkedSnippet()
    {
        var unmarked = DocSnippetReader.Documents()
            .SelectMany(d => DocSnippetReader.Read(d, File.ReadAllText(Path.Combine(DocSnippetReader.DocsRoot, d))).Unmarked.Select(l => $"{d}:{l}"))
            .ToArray();
        Assert.IsEmpty(unmarked,
            $"These C# blocks have no '{DocSnippetReader.Marker}' line before them, so no test runs them: {string.Join(", ", unmarked)}. " +
            "Add the marker and make the block a whole program (docs/snippets.md).");
    }

    [TestMethod]
    public void TheDocumentsTheTestsReadHoldTheKnownSnippets()
    {
        var counts = DocSnippetReader.All().GroupBy(s => s.File).ToDictionary(g => g.Key, g => g.Count());
        Assert.IsGreaterThanOrEqualTo(2, counts.GetValueOrDefault("README.md"), "the two quick starts");
        Assert.IsGreaterThanOrEqualTo(1, counts.GetValueOrDefault("nuget/README.md"));
        Assert.IsGreaterThanOrEqualTo(3, counts.GetValueOrDefault("docs/mlnet-guide.md"));
    }

    [TestMethod]
    public void ABlockWithoutTheMarkerIsReportedAndOneWithItIsRead()
    {
        const string Markdown = "# Title\n\n```csharp\nConsole.WriteLine(1);\n```\n\n<!-- snippet -->\n\n```csharp\nConsole.WriteLine(2);\n```\n\n```bash\nls\n```\n";
        var (snippets, unmarked) = DocSnippetReader.Read("x.md", Markdown);
        CollectionAssert.AreEqual(new[] { 3 }, unmarked.ToArray());
        Assert.HasCount(1, snippets);
        Assert.AreEqual((10, "Console.WriteLine(2);"), (snippets[0].Line, snippets[0].Code));
    }

    [TestMethod]
    public void ASnippetThatDoesNotCompileFailsAtItsDocumentLine()
    {
        var snippet = new DocSnippet("docs/x.md", 40, "using Microsoft.ML.Deberta;\n\nvar options = new TextClassificationOptions { Epochs = \"three\" };");
        var (assembly, errors) = DocSnippetCompiler.Compile(snippet);
        Assert.IsNull(assembly);
        Assert.IsTrue(errors.Any(e => e.StartsWith("docs/x.md(42,", StringComparison.Ordinal)), string.Join("\n", errors));
        var failure = Assert.Throws<AssertFailedException>(() => DocSnippetRunner.Run(snippet));
        Assert.Contains("docs/x.md:40 does not compile as shown", failure.Message);
    }

    [TestMethod]
    public void ASnippetThatThrowsFailsWithItsException()
    {
        var snippet = new DocSnippet("docs/x.md", 1, "using Microsoft.ML.Deberta.Tokenization;\n\nvar tokenizer = DebertaTokenizerBase.FromFolder(\"models/none\");");
        Assert.Throws<DirectoryNotFoundException>(() => DocSnippetRunner.Run(snippet));
    }

    [TestMethod]
    public void ASnippetRunsInAFolderWithWhatItNames()
    {
        var snippet = new DocSnippet("docs/x.md", 1,
            "if (!File.Exists(\"yelp_labelled.txt\") || !File.Exists(\"models/my-deberta-classifier/config.json\")) throw new FileNotFoundException();\n" +
            "if (Directory.Exists(Path.Combine(\"models\", \"my-deberta-\" + \"qa\"))) throw new InvalidOperationException(\"copied without being named\");");
        DocSnippetRunner.Run(snippet);
    }
}
