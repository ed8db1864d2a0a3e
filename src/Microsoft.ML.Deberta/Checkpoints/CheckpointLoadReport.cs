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
    bool? UsedLegacyMaskedLMHead);
