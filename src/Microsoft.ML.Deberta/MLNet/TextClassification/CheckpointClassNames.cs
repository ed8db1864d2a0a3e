using Microsoft.ML.Deberta.Configuration;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>A sequence-classification checkpoint's class names (its id2label), as the ML.NET steps use them.</summary>
internal static class CheckpointClassNames
{
    /// <summary>The names in class order; <c>LABEL_i</c> for a class id2label does not name.</summary>
    public static string[] Of(DebertaConfig config) =>
        [.. Enumerable.Range(0, config.NumLabels).Select(i => config.Id2Label.GetValueOrDefault(i, $"LABEL_{i}"))];

    /// <summary>
    /// Refuses repeated names: they become key values (PredictedLabel, MapKeyToValue) and are matched to the label's
    /// values by name, so each must be unique. (transformers accepts them and keeps one label2id entry.)
    /// </summary>
    /// <exception cref="ArgumentException">A name repeats; the message names it and its class ids.</exception>
    public static void RequireDistinct(IReadOnlyList<string> names, string method, string folder)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (!first.TryAdd(names[i], i))
                throw new ArgumentException(
                    $"{method}: the checkpoint's id2label names '{names[i]}' for classes {first[names[i]]} and {i} ('{folder}'). " +
                    "Class names must differ: they become the key values of PredictedLabel and are matched to the label's values " +
                    "by name. Give each class its own name in the config.json's id2label (and label2id).",
                    nameof(TextTrainerOptions.ModelFolder));
        }
    }
}
