using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>
/// Loads a checkpoint for fill-mask: a <see cref="DebertaForMaskedLM"/> whose head comes from the checkpoint, never
/// initialised at random. transformers builds the legacy <c>cls.predictions</c> head by default and, on Microsoft's
/// checkpoints (which hold <c>lm_predictions.lm_head.*</c>), initialises it at random (spec §6.5); our loader already
/// takes the head the weights hold, and this refuses a checkpoint that holds neither (a bare backbone, a classifier).
/// </summary>
public static class MaskedLMCheckpoint
{
    private static readonly string[] HeadPrefixes = ["cls.predictions.", "lm_predictions."];

    /// <summary>Loads <paramref name="folder"/> as a masked LM with its trained head.</summary>
    /// <inheritdoc cref="DebertaCheckpoint.Load{TModel}(string, CheckpointLoadOptions?)"/>
    /// <exception cref="UntrainedHeadException">The checkpoint lacks masked-LM head weights.</exception>
    public static DebertaForMaskedLM LoadTrained(string folder, CheckpointLoadOptions? options = null)
    {
        var model = DebertaCheckpoint.Load<DebertaForMaskedLM>(folder, out var report, options);
        try
        {
            ThrowIfHeadMissing(folder, report);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Raises <see cref="UntrainedHeadException"/> when a masked-LM load initialised head keys.</summary>
    /// <param name="folder">The folder the report is about, for the message.</param>
    /// <param name="report">The report of loading it as <see cref="DebertaForMaskedLM"/>.</param>
    internal static void ThrowIfHeadMissing(string folder, CheckpointLoadReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var missing = report.NewlyInitializedKeys
            .Where(key => HeadPrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal))).ToArray();
        if (missing.Length > 0)
            throw new UntrainedHeadException(folder, "masked-LM", missing,
                "Use a checkpoint saved with its masked-LM head (Microsoft's deberta-base, -large and v3 checkpoints hold "
                + "lm_predictions.lm_head.*; a DebertaForMaskedLM saved by transformers holds cls.predictions.* or "
                + "lm_predictions.lm_head.*), or train one with masked-LM training first.");
    }
}
