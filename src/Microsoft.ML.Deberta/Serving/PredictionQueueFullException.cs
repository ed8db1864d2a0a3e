namespace Microsoft.ML.Deberta;

/// <summary>
/// Thrown by <see cref="BatchingPredictor{TInput, TOutput}.PredictAsync"/> when <see cref="BatchingOptions.QueueCapacity"/>
/// requests are already waiting: the caller should retry later (a web server answers 503), rather than let the queue grow
/// without bound.
/// </summary>
public sealed class PredictionQueueFullException : InvalidOperationException
{
    /// <summary>Creates the exception for a queue of the given capacity.</summary>
    public PredictionQueueFullException(int capacity)
        : base($"The prediction queue is full ({capacity} requests waiting). Retry later, or raise BatchingOptions.QueueCapacity if the machine can score faster than requests arrive.")
    {
        Capacity = capacity;
    }

    /// <summary>The queue's capacity (<see cref="BatchingOptions.QueueCapacity"/>).</summary>
    public int Capacity { get; }
}
