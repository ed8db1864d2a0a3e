using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;

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

    /// <summary>
    /// The precision the loaded model computes in. <see cref="DebertaPrecision.BFloat16"/> converts it for inference
    /// right after loading (<see cref="DebertaPreTrainedModel.ConvertForInference"/>: it cannot train afterwards);
    /// default <see cref="DebertaPrecision.Float32"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="DebertaPrecision"/>.</exception>
    public DebertaPrecision Precision
    {
        get => _precision;
        init => _precision = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Precision), value, $"{nameof(CheckpointLoadOptions)}.{nameof(Precision)} must be Float32 or BFloat16.");
    }

    private readonly DebertaPrecision _precision;

    /// <summary>
    /// The longest JSON header a <c>model.safetensors</c> file (or shard) may have, in bytes; default 100,000,000, the
    /// limit of the reference implementation (real headers are a few hundred kB). The header is read into memory
    /// whole before it can be checked, so a longer one is refused first. Raise it only for a checkpoint you trust.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long MaxSafetensorsHeaderBytes
    {
        get => _maxSafetensorsHeaderBytes;
        init => _maxSafetensorsHeaderBytes = Positive(value, nameof(MaxSafetensorsHeaderBytes));
    }

    /// <summary>
    /// The largest pickle (<c>data.pkl</c>) a <c>pytorch_model.bin</c> file (or shard) may hold, in bytes; default
    /// 268,435,456 (256 MiB; a state dict's pickle takes a few kB per hundred tensors). The pickle is read into memory
    /// whole before it can be checked, so a larger one is refused first. Raise it only for a checkpoint you trust.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long MaxPickleBytes
    {
        get => _maxPickleBytes;
        init => _maxPickleBytes = Positive(value, nameof(MaxPickleBytes));
    }

    private readonly long _maxSafetensorsHeaderBytes = CheckpointFileLimits.DefaultMaxSafetensorsHeaderBytes;
    private readonly long _maxPickleBytes = CheckpointFileLimits.DefaultMaxPickleBytes;

    internal CheckpointFileLimits FileLimits => new(MaxSafetensorsHeaderBytes, MaxPickleBytes);

    private static long Positive(long value, string name) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{nameof(CheckpointLoadOptions)}.{name} must be greater than 0.");
}
