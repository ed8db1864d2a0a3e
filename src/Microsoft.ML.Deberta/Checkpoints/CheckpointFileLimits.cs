namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>
/// The size limits on the parts of a weight file that are read whole into memory before anything in them can be
/// checked: a safetensors JSON header and a <c>pytorch_model.bin</c> pickle. Set through <see cref="CheckpointLoadOptions"/>.
/// </summary>
internal sealed record CheckpointFileLimits(long MaxSafetensorsHeaderBytes, long MaxPickleBytes)
{
    /// <summary>The reference implementation's safetensors header limit; real checkpoints have headers of a few hundred kB.</summary>
    public const long DefaultMaxSafetensorsHeaderBytes = 100_000_000;

    /// <summary>data.pkl of a state dict is a few kB per hundred tensors; anything near 256 MiB is not a state dict.</summary>
    public const long DefaultMaxPickleBytes = 256L << 20;

    public static CheckpointFileLimits Default { get; } = new(DefaultMaxSafetensorsHeaderBytes, DefaultMaxPickleBytes);
}
