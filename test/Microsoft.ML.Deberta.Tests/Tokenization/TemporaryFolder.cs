namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>A scratch folder (optionally seeded with files of a reference tokenizer folder), deleted on dispose.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    public TemporaryFolder(string? copyFrom = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "deberta-tok-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        if (copyFrom is not null)
            foreach (string file in Directory.GetFiles(copyFrom))
                System.IO.File.Copy(file, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)));
    }

    public string Path { get; }

    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    public void Write(string name, string content) => System.IO.File.WriteAllText(PathOf(name), content);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
