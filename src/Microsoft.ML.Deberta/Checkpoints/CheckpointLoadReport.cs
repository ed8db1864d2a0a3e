namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>What loading a checkpoint did with its keys (transformers logs the same as warnings).</summary>
/// <param name="NewlyInitializedKeys">Model keys the checkpoint lacked, all of the task head, initialised from the seed.</param>
/// <param name="IgnoredKeys">Checkpoint keys real checkpoints carry that this model does not use (EMD position table, RTD head, the other MLM head, ...).</param>
/// <param name="UnexpectedKeys">Other checkpoint keys the model does not use.</param>
/// <param name="UsedLegacyMaskedLMHead">For a masked-LM model: whether the BERT-style <c>cls.predictions</c> head was built (null for other models).</param>
public sealed record CheckpointLoadReport(
    IReadOnlyList<string> NewlyInitializedKeys,
    IReadOnlyList<string> IgnoredKeys,
    IReadOnlyList<string> UnexpectedKeys,
    bool? UsedLegacyMaskedLMHead)
{
    /// <summary>
    /// The warnings transformers would log for this load, worded as it words them: the checkpoint was saved from another
    /// head (its config's <c>architectures</c>), head weights of the checkpoint were not used, or head weights of the model
    /// were newly initialised. Empty when the checkpoint matches the model. Each is also passed to
    /// <see cref="CheckpointLoadOptions.Log"/>; <see cref="CheckpointLoadOptions.Strict"/> makes them an error.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
