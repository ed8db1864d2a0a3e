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
}
