using System.Text.Json.Nodes;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// A temporary Hugging Face checkpoint folder for a test: a reference model from TestData/golden/models (config.json and
/// model.safetensors) with the DeBERTa v1 tokenizer files beside it, as a downloaded checkpoint has them. Deleted on dispose.
/// </summary>
internal sealed class CheckpointFolder : IDisposable
{
    private CheckpointFolder(string path) => Path = path;

    public string Path { get; }

    /// <summary>Copies <c>golden/models/{variant}/{head}</c>; <paramref name="editConfig"/> may change its config.json first.</summary>
    public static CheckpointFolder FromGolden(string variant, string head, Action<JsonObject>? editConfig = null, bool withTokenizer = true)
    {
        var source = System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "models", variant, head);
        var folder = new CheckpointFolder(Directory.CreateTempSubdirectory("deberta-checkpoint-").FullName);
        File.Copy(System.IO.Path.Combine(source, "model.safetensors"), System.IO.Path.Combine(folder.Path, "model.safetensors"));
        var config = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(source, "config.json")))!.AsObject();
        editConfig?.Invoke(config);
        File.WriteAllText(System.IO.Path.Combine(folder.Path, "config.json"), config.ToJsonString());
        if (withTokenizer)
            foreach (var file in new[] { "vocab.json", "merges.txt" })
                File.Copy(System.IO.Path.Combine(DebertaTestData.V1TokenizerFolder, file), System.IO.Path.Combine(folder.Path, file));
        return folder;
    }

    /// <summary>Sets id2label and label2id of a config.</summary>
    public static Action<JsonObject> Labels(params string[] names) => config =>
    {
        config["id2label"] = new JsonObject(names.Select((n, i) => KeyValuePair.Create(i.ToString(), (JsonNode?)JsonValue.Create(n))));
        config["label2id"] = new JsonObject(names.Select((n, i) => KeyValuePair.Create(n, (JsonNode?)JsonValue.Create(i))));
    };

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
