using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.Fuzz.Targets;

/// <summary>
/// Weight files and the config, each loaded through <see cref="DebertaCheckpoint.Load{TModel}(string, CheckpointLoadOptions?)"/>
/// (or <see cref="DebertaConfig.Load"/>) from a folder whose other files are valid, so the fuzzed file is the only fault.
/// </summary>
internal static class CheckpointTargets
{
    // DebertaCheckpoint.Load's documented exceptions.
    private static readonly Type[] LoadDocumented =
    [
        typeof(DirectoryNotFoundException), typeof(FileNotFoundException), typeof(DebertaConfigException),
        typeof(CheckpointMismatchException), typeof(InvalidDataException),
    ];

    public static FuzzTarget SafeTensors { get; } = new("safetensors", "model.safetensors (JSON header and tensor bytes)",
        (input, workspace) => LoadWith(workspace, "safetensors", "model.safetensors", input, "v3_seqcls/config.json"),
        LoadDocumented);

    public static FuzzTarget PyTorchBin { get; } = new("pytorch-bin", "pytorch_model.bin (zip archive holding a pickle and tensor storages)",
        (input, workspace) => LoadWith(workspace, "pytorch-bin", "pytorch_model.bin", input, "v1_rel_seqcls/config.json"),
        LoadDocumented);

    /// <summary>The index names the shard files; the one shard it can point to is the valid v3 classifier's weights.</summary>
    public static FuzzTarget ShardedIndex { get; } = new("sharded-index", "model.safetensors.index.json (weight map of a sharded checkpoint)",
        (input, workspace) =>
        {
            var folder = workspace.FolderWith("sharded-index", "v3_seqcls/config.json");
            File.Copy(Path.Combine(FuzzWorkspace.Fixtures, "v3_seqcls/model.safetensors"), Path.Combine(folder, "model-00001-of-00001.safetensors"));
            File.WriteAllBytes(Path.Combine(folder, "model.safetensors.index.json"), input);
            Use(DebertaCheckpoint.Load<DebertaForSequenceClassification>(folder));
        },
        LoadDocumented);

    public static FuzzTarget Config { get; } = new("config", "config.json",
        (input, workspace) =>
        {
            var path = Path.Combine(workspace.CleanFolder("config"), "config.json");
            File.WriteAllBytes(path, input);
            _ = DebertaConfig.Load(path);
        },
        [typeof(FileNotFoundException), typeof(DebertaConfigException)]);

    private static void LoadWith(FuzzWorkspace workspace, string folderName, string fileName, byte[] input, string config)
    {
        var folder = workspace.FolderWith(folderName, config);
        File.WriteAllBytes(Path.Combine(folder, fileName), input);
        Use(DebertaCheckpoint.Load<DebertaForSequenceClassification>(folder));
    }

    /// <summary>A loaded model runs one forward pass: weights that load but break the forward pass are findings too.</summary>
    private static void Use(DebertaForSequenceClassification model)
    {
        using (model)
        {
            model.eval();
            using var scope = TorchSharp.torch.NewDisposeScope();
            using var noGrad = TorchSharp.torch.no_grad();
            using var ids = TorchSharp.torch.tensor(new long[] { 1, 5, 6, 2 }, [1, 4]);
            _ = model.Predict(ids);
        }
    }
}
