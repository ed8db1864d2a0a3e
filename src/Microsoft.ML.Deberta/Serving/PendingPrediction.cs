using System.Diagnostics;

namespace Microsoft.ML.Deberta.Serving;

/// <summary>One queued request of a <see cref="BatchingPredictor{TInput, TOutput}"/>: its row, its caller's task, its cancellation.</summary>
internal sealed class PendingPrediction<TInput, TOutput> : IDisposable
{
    // Continuations run on the pool, not on the scoring loop, so that a slow caller cannot hold up the next batch.
    private readonly TaskCompletionSource<TOutput> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenRegistration _cancellation;

    public PendingPrediction(TInput row, CancellationToken cancellationToken)
    {
        Row = row;
        EnqueuedAt = Stopwatch.GetTimestamp();
        if (cancellationToken.CanBeCanceled)
            _cancellation = cancellationToken.Register(() => _result.TrySetCanceled(cancellationToken));
    }

    public TInput Row { get; }

    /// <summary>When the request was queued (a <see cref="Stopwatch"/> timestamp).</summary>
    public long EnqueuedAt { get; }

    public Task<TOutput> Task => _result.Task;

    public void Complete(TOutput output)
    {
        _result.TrySetResult(output);
        Dispose();
    }

    public void Fail(Exception exception)
    {
        _result.TrySetException(exception);
        Dispose();
    }

    public void Dispose() => _cancellation.Dispose();
}
