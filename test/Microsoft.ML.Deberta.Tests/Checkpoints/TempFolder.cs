namespace Microsoft.ML.Deberta.Tests.Checkpoints;

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "deberta-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A temporary copy of a checkpoint folder's config.json and model.safetensors.</summary>
    public static TempFolder CopyOf(string folder)
    {
        var temp = new TempFolder();
        System.IO.File.Copy(System.IO.Path.Combine(folder, "config.json"), temp.File("config.json"));
        System.IO.File.Copy(System.IO.Path.Combine(folder, "model.safetensors"), temp.File("model.safetensors"));
        return temp;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
