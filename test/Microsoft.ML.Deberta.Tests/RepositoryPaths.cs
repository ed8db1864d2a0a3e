namespace Microsoft.ML.Deberta.Tests;

/// <summary>Files of the repository the tests were built from, found above the test folder.</summary>
internal static class RepositoryPaths
{
    /// <summary>The library's project, src/Microsoft.ML.Deberta/Microsoft.ML.Deberta.csproj.</summary>
    public static string LibraryProject()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Microsoft.ML.Deberta", "Microsoft.ML.Deberta.csproj");
            if (File.Exists(candidate)) return candidate;
        }
        throw new AssertFailedException("src/Microsoft.ML.Deberta/Microsoft.ML.Deberta.csproj not found above the test folder.");
    }
}
