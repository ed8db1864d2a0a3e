using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>
/// The warnings transformers' <c>from_pretrained</c> logs when a checkpoint's head does not match the model it is
/// loaded into, worded as it words them, plus one naming the head the checkpoint's config says it was saved from.
/// </summary>
internal static class HeadMismatchWarnings
{
    private static readonly string[] TaskHeads = ["ForSequenceClassification", "ForTokenClassification", "ForQuestionAnswering"];

    // Ignored keys that are another head's weights (the RTD head and position tables are not: transformers skips them silently).
    private static readonly string[] HeadPrefixes = ["pooler.", "classifier.", "qa_outputs.", "lm_predictions.", "cls."];

    /// <summary>The warnings for a load of <paramref name="folder"/> into <paramref name="model"/>; empty when they match.</summary>
    public static IReadOnlyList<string> For(string folder, DebertaPreTrainedModel model, string? architecture, CheckpointLoadReport report)
    {
        var warnings = new List<string>();
        string modelClass = model.HuggingFaceClassName;
        string? savedHead = Suffix(architecture);
        if (model is not DebertaModel && savedHead is not null && TaskHeads.Contains(savedHead) && savedHead != Suffix(modelClass))
            warnings.Add($"The checkpoint at {folder} was saved from {architecture} (its config's architectures), " +
                $"not {modelClass}: its head is not this model's head.");

        var unused = report.UnexpectedKeys
            .Concat(report.IgnoredKeys.Where(k => HeadPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))))
            .OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (unused.Count > 0)
            warnings.Add($"Some weights of the model checkpoint at {folder} were not used when initializing {modelClass}: {PythonList(unused)}");
        if (report.NewlyInitializedKeys.Count > 0)
            warnings.Add($"Some weights of {modelClass} were not initialized from the model checkpoint at {folder} and are newly initialized: " +
                $"{PythonList(report.NewlyInitializedKeys)}");
        return warnings;
    }

    /// <summary>The error <see cref="CheckpointLoadOptions.Strict"/> makes of the warnings: the mismatch and the fix.</summary>
    public static CheckpointMismatchException StrictError(string folder, DebertaPreTrainedModel model, string? architecture, CheckpointLoadReport report)
    {
        string fix = Suffix(architecture) is not { } saved || saved == Suffix(model.HuggingFaceClassName)
            ? "load a checkpoint that holds this head"
            : $"load it into the class its config names ({architecture}) with DebertaCheckpoint.Load(folder)";
        return new CheckpointMismatchException(
            $"Checkpoint '{folder}' does not match {model.HuggingFaceClassName} and CheckpointLoadOptions.Strict is set: " +
            $"{string.Join("; ", report.Warnings)}. To fix it, {fix}, or leave Strict off to start the missing head from the seed.",
            report.NewlyInitializedKeys);
    }

    /// <summary>A transformers class name without its <c>DebertaV2</c>/<c>Deberta</c> prefix (<c>ForTokenClassification</c>); null for another family.</summary>
    internal static string? Suffix(string? className) =>
        className is null ? null
        : className.StartsWith("DebertaV2", StringComparison.Ordinal) ? className["DebertaV2".Length..]
        : className.StartsWith("Deberta", StringComparison.Ordinal) ? className["Deberta".Length..]
        : null;

    // transformers prints the key list as a Python list.
    private static string PythonList(IEnumerable<string> keys) => $"[{string.Join(", ", keys.Select(k => $"'{k}'"))}]";
}
