namespace Microsoft.ML.Deberta;

/// <summary>
/// How a <see cref="BatchingPredictor{TInput, TOutput}"/> groups concurrent requests: a batch is scored as soon as it
/// holds <see cref="MaxBatchSize"/> rows, or <see cref="MaxWait"/> after its oldest request arrived, whichever comes
/// first; at most <see cref="QueueCapacity"/> requests wait, and further ones are refused.
/// </summary>
public sealed class BatchingOptions
{
    /// <summary>Rows scored together at most (default 32). The model's own inference batch size still caps the rows of one forward pass.</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>
    /// How long the oldest waiting request may wait for others to join its batch once the model is free (default zero:
    /// what is queued is scored at once, as Triton's dynamic batcher does by default). Requests that arrive while a
    /// batch is being scored join the next batch without any wait, so under load batches fill without it; a wait holds
    /// requests back while the model idles (with the web sample, 2 ms cut the requests/s at 1 and 8 clients by half and
    /// a quarter, and gained nothing at 32: README, Serve a model). It pays only where a pass costs nearly the same for
    /// one row as for many and requests arrive spread out.
    /// </summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.Zero;

    /// <summary>Requests that may wait at once (default 1024); beyond it <see cref="PredictionQueueFullException"/> is thrown.</summary>
    public int QueueCapacity { get; init; } = 1024;

    internal void Validate()
    {
        if (MaxBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "BatchingOptions.MaxBatchSize must be at least 1.");
        if (MaxWait < TimeSpan.Zero || MaxWait > TimeSpan.FromMinutes(1))
            throw new ArgumentOutOfRangeException(nameof(MaxWait), MaxWait, "BatchingOptions.MaxWait must lie between zero and one minute.");
        if (QueueCapacity < 1)
            throw new ArgumentOutOfRangeException(nameof(QueueCapacity), QueueCapacity, "BatchingOptions.QueueCapacity must be at least 1.");
    }
}
