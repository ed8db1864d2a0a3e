using System.Text.Json.Nodes;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// A temporary copy of a bundled golden pipeline folder (a sequence classifier with its tokenizer) whose head is given
/// other label names, e.g. NLI's contradiction/neutral/entailment. Deleted on dispose.
/// </summary>
internal sealed class NliCheckpoint : IDisposable
{
    private NliCheckpoint(string path) => Path = path;

    public string Path { get; }

    public static NliCheckpoint FromPipeline(string pipeline, params string[] labels)
    {
        var source = GoldenData.Bundled("pipelines", pipeline);
        var copy = new NliCheckpoint(Directory.CreateTempSubdirectory("deberta-nli-").FullName);
        foreach (var file in Directory.GetFiles(source).Where(f => !System.IO.Path.GetFileName(f).StartsWith("golden_", StringComparison.Ordinal)))
            File.Copy(file, System.IO.Path.Combine(copy.Path, System.IO.Path.GetFileName(file)));
        var configPath = System.IO.Path.Combine(copy.Path, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        CheckpointFolder.Labels(labels)(config);
        File.WriteAllText(configPath, config.ToJsonString());
        return copy;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
