namespace Microsoft.ML.Deberta.Fuzz;

/// <summary>
/// A scratch folder per process where a fuzzed file is written beside valid companion files (from
/// <c>Fixtures/</c>), because the loaders under test read folders the way users give them.
/// </summary>
internal sealed class FuzzWorkspace : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("deberta-fuzz-").FullName;

    /// <summary>The folder the companion files are copied from (next to the executable).</summary>
    public static string Fixtures { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>An empty folder <paramref name="name"/>, emptied again on every call.</summary>
    public string CleanFolder(string name)
    {
        var folder = Path.Combine(root, name);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>A clean folder holding copies of the fixture files <paramref name="fixtureFiles"/> (paths under Fixtures/).</summary>
    public string FolderWith(string name, params string[] fixtureFiles)
    {
        var folder = CleanFolder(name);
        foreach (var file in fixtureFiles)
            File.Copy(Path.Combine(Fixtures, file), Path.Combine(folder, Path.GetFileName(file)));
        return folder;
    }

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); }
        catch (IOException) { }   // a leftover scratch folder in /tmp is harmless
    }
}
