using System.Text.RegularExpressions;

namespace Microsoft.ML.Deberta.Tests.DocSnippets;

/// <summary>
/// Finds the C# snippets of the documents copied next to the tests (Docs/: README.md, nuget/README.md, docs/**/*.md).
/// The convention (docs/snippets.md): every <c>```csharp</c> block is preceded by the line <c>&lt;!-- snippet --&gt;</c>
/// (blank lines between are allowed), and is a whole program that compiles and runs as shown. A C# block without the
/// marker is reported, so that no snippet escapes the tests by being written without it.
/// </summary>
internal static partial class DocSnippetReader
{
    public const string Marker = "<!-- snippet -->";

    /// <summary>The folder the documents are copied to (see the test project).</summary>
    public static string DocsRoot => Path.Combine(AppContext.BaseDirectory, "Docs");

    /// <summary>Every document, as a path relative to <see cref="DocsRoot"/> (which mirrors the repository).</summary>
    public static IEnumerable<string> Documents() =>
        Directory.EnumerateFiles(DocsRoot, "*.md", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(DocsRoot, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    /// <summary>The marked snippets of every document.</summary>
    public static IEnumerable<DocSnippet> All() => Documents().SelectMany(d => Read(d, File.ReadAllText(Path.Combine(DocsRoot, d))).Snippets);

    /// <summary>The C# blocks of one document: the marked ones, and where unmarked ones start (1-based fence lines).</summary>
    public static (IReadOnlyList<DocSnippet> Snippets, IReadOnlyList<int> Unmarked) Read(string file, string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var snippets = new List<DocSnippet>();
        var unmarked = new List<int>();
        for (int i = 0; i < lines.Length; i++)
        {
            var fence = Fence().Match(lines[i]);
            if (!fence.Success) continue;
            int end = i + 1;
            while (end < lines.Length && lines[end].Trim() != fence.Groups["ticks"].Value) end++;
            if (IsCSharp(fence.Groups["info"].Value))
            {
                int previous = i - 1;
                while (previous >= 0 && lines[previous].Trim().Length == 0) previous--;
                if (previous >= 0 && lines[previous].Trim() == Marker)
                    snippets.Add(new DocSnippet(file, i + 2, string.Join("\n", lines[(i + 1)..Math.Min(end, lines.Length)])));
                else
                    unmarked.Add(i + 1);
            }
            i = end;
        }
        return (snippets, unmarked);
    }

    private static bool IsCSharp(string info) =>
        info.Trim().Split(' ')[0].ToLowerInvariant() is "csharp" or "cs" or "c#";

    [GeneratedRegex(@"^\s*(?<ticks>```+)(?<info>.*)$")]
    private static partial Regex Fence();
}
