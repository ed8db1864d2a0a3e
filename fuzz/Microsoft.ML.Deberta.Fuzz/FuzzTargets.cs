using Microsoft.ML.Deberta.Fuzz.Targets;

namespace Microsoft.ML.Deberta.Fuzz;

/// <summary>Every parser of outside input the library has, by name.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        CheckpointTargets.SafeTensors,
        CheckpointTargets.PyTorchBin,
        CheckpointTargets.ShardedIndex,
        CheckpointTargets.Config,
        TokenizerTargets.TokenizerJson,
        TokenizerTargets.TokenizerConfig,
        TokenizerTargets.BpeVocab,
        TokenizerTargets.BpeMerges,
        TokenizerTargets.SentencePieceModel,
        SavedModelTargets.ModelZip,
        SavedModelTargets.Onnx,
    ];

    public static FuzzTarget Named(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"No fuzz target '{name}'. Targets: {string.Join(", ", All.Select(t => t.Name))}.", nameof(name));
}
