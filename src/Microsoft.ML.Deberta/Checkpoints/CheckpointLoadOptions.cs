using Microsoft.ML.Deberta.Configuration;

namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>How <see cref="DebertaCheckpoint"/> builds a model from a checkpoint folder.</summary>
public sealed class CheckpointLoadOptions
{
    /// <summary>
    /// Seed of every weight the checkpoint does not hold (a new task head, e.g. a classifier on top of a
    /// pre-trained backbone): such weights are initialised as transformers does, deterministically from this seed.
    /// </summary>
    public long Seed { get; init; }

    /// <summary>
    /// Changes to make to the folder's config before the model is built, e.g. <c>c =&gt; c.SetLabels(["neg", "pos"])</c>
    /// for a new classifier or zero dropout for a reproducible training step. The config is validated afterwards.
    /// </summary>
    public Action<DebertaConfig>? Configure { get; init; }

    /// <summary>
    /// Whether a checkpoint that does not match the model is an error: saved from another head (its config's
    /// <c>architectures</c>), head weights the model does not use, or head weights the checkpoint lacks. When false (the
    /// default) such a load succeeds, initialises the missing head from <see cref="Seed"/> and reports it in
    /// <see cref="CheckpointLoadReport.Warnings"/>; when true it throws <see cref="CheckpointMismatchException"/>.
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>
    /// Receives each of <see cref="CheckpointLoadReport.Warnings"/> as the load makes it; when null they go to
    /// <see cref="System.Diagnostics.Trace.TraceWarning(string)"/>.
    /// </summary>
    public Action<string>? Log { get; init; }
}
