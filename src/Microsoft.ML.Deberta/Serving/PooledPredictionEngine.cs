using System.Collections.Concurrent;
using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta;

/// <summary>
/// ML.NET's one-row <c>PredictionEngine</c> semantics for concurrent callers: each <see cref="Predict"/> borrows an engine
/// (creating one when none is free), scores one row, and returns the engine. Up to <c>maxRetained</c> idle engines are
/// kept; extra ones are disposed. Each call is its own forward pass: for throughput under load prefer
/// <see cref="BatchingPredictor{TInput, TOutput}"/>. Thread-safe.
/// </summary>
/// <typeparam name="TInput">The input row class.</typeparam>
/// <typeparam name="TOutput">The output row class.</typeparam>
public sealed class PooledPredictionEngine<TInput, TOutput> : IDisposable
    where TInput : class
    where TOutput : class, new()
{
    private readonly MLContext _mlContext;
    private readonly ITransformer _model;
    private readonly int _maxRetained;
    private readonly SchemaDefinition? _inputSchemaDefinition;
    private readonly SchemaDefinition? _outputSchemaDefinition;
    private readonly ConcurrentBag<PredictionEngine<TInput, TOutput>> _idle = new();
    private int _retained;
    private int _created;
    private volatile bool _disposed;

    /// <summary>Creates an empty pool over <paramref name="model"/>; the model stays the caller's to dispose (after this).</summary>
    /// <param name="mlContext">The context the engines are created with.</param>
    /// <param name="model">The loaded model.</param>
    /// <param name="maxRetained">Idle engines kept for reuse (default: the processor count).</param>
    /// <param name="inputSchemaDefinition">How <typeparamref name="TInput"/>'s members map to the model's input columns; null: by name.</param>
    /// <param name="outputSchemaDefinition">How the model's output columns map to <typeparamref name="TOutput"/>'s members; null: by name.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRetained"/> is below 1.</exception>
    public PooledPredictionEngine(MLContext mlContext, ITransformer model, int? maxRetained = null,
        SchemaDefinition? inputSchemaDefinition = null, SchemaDefinition? outputSchemaDefinition = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        _maxRetained = maxRetained ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(_maxRetained, 1, nameof(maxRetained));
        _mlContext = mlContext;
        _model = model;
        _inputSchemaDefinition = inputSchemaDefinition;
        _outputSchemaDefinition = outputSchemaDefinition;
    }

    /// <summary>Engines created so far (a measure of the peak concurrency the pool has seen).</summary>
    public int CreatedCount => Volatile.Read(ref _created);

    /// <summary>Scores one row with a borrowed engine.</summary>
    /// <exception cref="ObjectDisposedException">The pool is disposed.</exception>
    public TOutput Predict(TInput row)
    {
        ArgumentNullException.ThrowIfNull(row);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var engine = Borrow();
        try
        {
            return engine.Predict(row);
        }
        finally
        {
            Return(engine);
        }
    }

    private PredictionEngine<TInput, TOutput> Borrow()
    {
        if (_idle.TryTake(out var engine))
        {
            Interlocked.Decrement(ref _retained);
            return engine;
        }
        Interlocked.Increment(ref _created);
        return _mlContext.Model.CreatePredictionEngine<TInput, TOutput>(_model, new PredictionEngineOptions
        {
            OwnsTransformer = false,
            InputSchemaDefinition = _inputSchemaDefinition,
            OutputSchemaDefinition = _outputSchemaDefinition,
        });
    }

    private void Return(PredictionEngine<TInput, TOutput> engine)
    {
        if (!_disposed && Interlocked.Increment(ref _retained) <= _maxRetained)
        {
            _idle.Add(engine);
            if (!_disposed)
                return;
            // Disposed meanwhile: Dispose may have emptied the bag before the engine went in.
            DisposeIdle();
            return;
        }
        Interlocked.Decrement(ref _retained);
        engine.Dispose();
    }

    private void DisposeIdle()
    {
        while (_idle.TryTake(out var engine))
        {
            Interlocked.Decrement(ref _retained);
            engine.Dispose();
        }
    }

    /// <summary>Disposes the idle engines; engines in use are disposed when their call returns. The model is not disposed.</summary>
    public void Dispose()
    {
        _disposed = true;
        DisposeIdle();
    }
}
