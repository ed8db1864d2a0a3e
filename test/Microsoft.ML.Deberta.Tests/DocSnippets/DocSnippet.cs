namespace Microsoft.ML.Deberta.Tests.DocSnippets;

/// <summary>A fenced C# block of a document: where it is (file relative to the repository, 1-based line of its first
/// code line) and its text.</summary>
internal sealed record DocSnippet(string File, int Line, string Code)
{
    public override string ToString() => $"{File}:{Line}";
}
