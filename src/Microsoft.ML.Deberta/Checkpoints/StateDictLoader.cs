using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>
/// Matches a checkpoint's tensors to a model's parameters by key, checks every shape and dtype, and only then
/// copies (upcasting float16/bfloat16 to the model's float32). Keys may carry the <c>deberta.</c> prefix or not.
/// </summary>
internal static class StateDictLoader
{
    private const string Prefix = DebertaPreTrainedModel.BackbonePrefix;

    /// <summary>A checkpoint's keys sorted into backbone keys (without prefix) and head keys.</summary>
    internal sealed class SortedKeys
    {
        public Dictionary<string, string> Backbone { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> Head { get; } = new(StringComparer.Ordinal);
        public List<string> Duplicates { get; } = new();

        public bool HasHeadKeyStartingWith(string start) => Head.Keys.Any(k => k.StartsWith(start, StringComparison.Ordinal));
    }

    /// <summary>Sorts checkpoint keys: <c>deberta.x</c> and bare <c>embeddings.*</c>/<c>encoder.*</c> are backbone keys.</summary>
    public static SortedKeys Sort(IEnumerable<string> checkpointKeys)
    {
        var sorted = new SortedKeys();
        // Prefixed keys first so that, when a file holds both forms, the prefixed one wins.
        foreach (var key in checkpointKeys.OrderBy(k => k.StartsWith(Prefix, StringComparison.Ordinal) ? 0 : 1).ThenBy(k => k, StringComparer.Ordinal))
        {
            if (key.StartsWith(Prefix, StringComparison.Ordinal))
                Add(sorted.Backbone, key[Prefix.Length..], key, sorted);
            else if (key.StartsWith("embeddings.", StringComparison.Ordinal) || key.StartsWith("encoder.", StringComparison.Ordinal))
                Add(sorted.Backbone, key, key, sorted);
            else
                Add(sorted.Head, key, key, sorted);
        }
        return sorted;

        static void Add(Dictionary<string, string> into, string modelKey, string checkpointKey, SortedKeys sorted)
        {
            if (!into.TryAdd(modelKey, checkpointKey))
                sorted.Duplicates.Add(checkpointKey);
        }
    }

    /// <summary>
    /// Frees the weights a model was built with: every parameter keeps its shape but becomes a view of one zero
    /// (stride 0), until <see cref="Load"/> with <c>adopt</c> gives it the checkpoint's tensor or fresh storage.
    /// </summary>
    /// <remarks>Loading then holds one copy of the weights, the file's, instead of the model's and the file's.</remarks>
    public static void ReleaseWeights(DebertaPreTrainedModel model)
    {
        using var noGrad = torch.no_grad();
        foreach (var parameter in model.parameters())
        {
            using var zero = torch.zeros(Array.Empty<long>(), parameter.dtype, parameter.device);
            using var placeholder = zero.expand(parameter.shape);
            parameter.set_(placeholder);
        }
    }

    /// <summary>Loads <paramref name="stateDict"/> into <paramref name="model"/> or throws without touching it.</summary>
    /// <param name="model">The model; its head parameters the state dict lacks keep their values.</param>
    /// <param name="stateDict">Checkpoint tensors by checkpoint key.</param>
    /// <param name="source">Where the tensors came from, for messages.</param>
    /// <param name="usedLegacyHead">For a masked-LM model, which head it has.</param>
    /// <param name="adopt">
    /// Whether the parameters take over the state dict's tensors (converted to their dtype where it differs) instead of
    /// copying them, and the parameters it lacks get fresh, uninitialised storage: for a model whose weights were
    /// released (<see cref="ReleaseWeights"/>) and a state dict nobody else uses.
    /// </param>
    public static CheckpointLoadReport Load(
        DebertaPreTrainedModel model, IReadOnlyDictionary<string, Tensor> stateDict, string source, bool? usedLegacyHead, bool adopt = false)
    {
        var sorted = Sort(stateDict.Keys);
        var parameters = model.named_parameters().ToList();
        bool isBareModel = model is DebertaModel;

        var missing = new List<string>();
        var newHead = new List<string>();
        var mismatches = new List<string>();
        var copies = new List<(Parameter Target, Tensor Source)>();
        var used = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (name, parameter) in parameters)
        {
            string? checkpointKey;
            if (isBareModel)
                sorted.Backbone.TryGetValue(name, out checkpointKey);
            else if (name.StartsWith(Prefix, StringComparison.Ordinal))
                sorted.Backbone.TryGetValue(name[Prefix.Length..], out checkpointKey);
            else
                sorted.Head.TryGetValue(name, out checkpointKey);

            if (checkpointKey is null)
            {
                if (model.IsHeadKey(name)) newHead.Add(name);
                else missing.Add(name);
                continue;
            }
            used.Add(checkpointKey);
            var tensor = stateDict[checkpointKey];
            if (!tensor.shape.SequenceEqual(parameter.shape))
            {
                mismatches.Add($"'{checkpointKey}' has shape [{string.Join(", ", tensor.shape)}] but the model expects [{string.Join(", ", parameter.shape)}]");
                continue;
            }
            if (!tensor.is_floating_point())
            {
                mismatches.Add($"'{checkpointKey}' has dtype {tensor.dtype}, not a floating-point type");
                continue;
            }
            copies.Add((parameter, tensor));
        }

        if (missing.Count > 0 || mismatches.Count > 0)
            throw new CheckpointMismatchException(source, missing, mismatches);

        using (torch.no_grad())
        {
            // copy_ and to() convert float16/bfloat16/float64 to the parameter's float32 exactly as torch's upcast does.
            foreach (var (target, tensor) in copies)
            {
                if (!adopt)
                {
                    target.copy_(tensor);
                    continue;
                }
                using var converted = tensor.to(target.dtype, target.device);
                target.set_(converted);
            }
            if (adopt)
            {
                foreach (var (name, parameter) in parameters.Where(p => newHead.Contains(p.name)))
                {
                    using var storage = torch.empty(parameter.shape, parameter.dtype, parameter.device);
                    parameter.set_(storage);
                }
            }
        }

        var ignored = new List<string>();
        var unexpected = new List<string>();
        foreach (var key in stateDict.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            if (used.Contains(key)) continue;
            (IsKnownUnused(key) ? ignored : unexpected).Add(key);
        }
        return new CheckpointLoadReport(newHead, ignored, unexpected, usedLegacyHead);
    }

    // Keys that real checkpoints carry and transformers' models skip (spec §7.4), plus the tied decoder aliases.
    private static bool IsKnownUnused(string key)
    {
        var k = key.StartsWith(Prefix, StringComparison.Ordinal) ? key[Prefix.Length..] : key;
        return k == "embeddings.position_embeddings.weight"
            || k == "embeddings.position_ids"
            || k.StartsWith("lm_predictions.", StringComparison.Ordinal)
            || k.StartsWith("mask_predictions.", StringComparison.Ordinal)
            || k.StartsWith("cls.", StringComparison.Ordinal)
            || k.StartsWith("pooler.", StringComparison.Ordinal);
    }
}
