using System.Threading.Channels;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Serving;

namespace Microsoft.ML.Deberta;

/// <summary>
/// Scores rows for many concurrent callers with a loaded ML.NET model (e.g. from <see cref="DebertaModelIO.Load(MLContext, string, out DataViewSchema)"/>),
/// grouping the requests that arrive together into one <see cref="ITransformer.Transform"/> call: a transformer costs little
/// more for 8 rows than for one, so this serves several times the requests of one-row-per-pass engines. Requests wait in
/// a bounded queue; a batch is scored when it is full or <see cref="BatchingOptions.MaxWait"/> after its oldest request
/// arrived; rows are sorted by text length inside a batch; one batch is scored at a time. Works for every task whose
/// rows map one to one (classification, regression, pairs, NER, QA, fill-mask, embeddings): <typeparamref name="TInput"/>
/// and <typeparamref name="TOutput"/> are bound as by <c>PredictionEngine</c>. Thread-safe.
/// </summary>
/// <typeparam name="TInput">The input row class (columns by property name, as for <c>LoadFromEnumerable</c>).</typeparam>
/// <typeparam name="TOutput">The output row class (columns by property name, as for <c>CreateEnumerable</c>).</typeparam>
public sealed class BatchingPredictor<TInput, TOutput> : IDisposable, IAsyncDisposable
    where TInput : class
    where TOutput : class, new()
{
    private readonly BatchingOptions _options;
    private readonly BatchRows<TInput> _batchRows = new();
    private readonly IEnumerable<TOutput> _scoredRows;
    private readonly Channel<PendingPrediction<TInput, TOutput>> _queue;
    private readonly Task _scoringLoop;
    private int _disposed;
    private long _batches;
    private long _rows;

    /// <summary>Starts scoring requests for <paramref name="model"/>; the model stays the caller's to dispose (after this).</summary>
    /// <param name="mlContext">The context the rows are read and written with.</param>
    /// <param name="model">The loaded model.</param>
    /// <param name="options">Batch size, wait and queue capacity (defaults: <see cref="BatchingOptions"/>).</param>
    /// <param name="inputSchemaDefinition">How <typeparamref name="TInput"/>'s members map to the model's input columns (as for <c>CreatePredictionEngine</c>); null: by name.</param>
    /// <param name="outputSchemaDefinition">How the model's output columns map to <typeparamref name="TOutput"/>'s members; null: by name.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">The model's input columns do not match <typeparamref name="TInput"/>, or its outputs <typeparamref name="TOutput"/> (checked here, before any request).</exception>
    public BatchingPredictor(MLContext mlContext, ITransformer model, BatchingOptions? options = null,
        SchemaDefinition? inputSchemaDefinition = null, SchemaDefinition? outputSchemaDefinition = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        _options = options ?? new BatchingOptions();
        _options.Validate();
        // Bound once (schema checks, reflection over the row classes); each batch only swaps the rows and reads again.
        var scored = new SingleCursorView(model.Transform(mlContext.Data.LoadFromEnumerable(_batchRows, inputSchemaDefinition)));
        _scoredRows = mlContext.Data.CreateEnumerable<TOutput>(scored, reuseRowObject: false, schemaDefinition: outputSchemaDefinition);
        _queue = Channel.CreateBounded<PendingPrediction<TInput, TOutput>>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _scoringLoop = Task.Run(ScoreUntilClosedAsync);
    }

    /// <summary>Requests waiting to be scored.</summary>
    public int QueuedCount => _queue.Reader.Count;

    /// <summary>Batches scored so far (a batch that failed and was retried row by row counts once).</summary>
    public long BatchCount => Interlocked.Read(ref _batches);

    /// <summary>Rows scored so far (cancelled requests that never reached the model are not counted).</summary>
    public long RowCount => Interlocked.Read(ref _rows);

    /// <summary>
    /// Queues <paramref name="row"/> and completes with its prediction once its batch is scored. If the model rejects the
    /// batch, each of its rows is scored alone, so a bad row fails only its own request.
    /// </summary>
    /// <exception cref="PredictionQueueFullException">Thrown at once when <see cref="BatchingOptions.QueueCapacity"/> requests already wait.</exception>
    /// <exception cref="ObjectDisposedException">The predictor is disposed.</exception>
    /// <exception cref="OperationCanceledException">(In the task) <paramref name="cancellationToken"/> was cancelled before the prediction was ready.</exception>
    public Task<TOutput> PredictAsync(TInput row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<TOutput>(cancellationToken);
        var pending = new PendingPrediction<TInput, TOutput>(row, cancellationToken);
        if (!_queue.Writer.TryWrite(pending))
        {
            pending.Dispose();
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            throw new PredictionQueueFullException(_options.QueueCapacity);
        }
        return pending.Task;
    }

    private async Task ScoreUntilClosedAsync()
    {
        var batch = new List<PendingPrediction<TInput, TOutput>>(_options.MaxBatchSize);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            await GatherAsync(batch).ConfigureAwait(false);
            try
            {
                if (batch.Count > 0)
                    Score(batch);
            }
            catch (Exception e)
            {
                // Score answers every request itself; this is the net for a failure around it (e.g. a row class's getter).
                foreach (var pending in batch)
                    pending.Fail(e);
            }
        }
    }

    // Takes what is queued up to MaxBatchSize, then waits for more until MaxWait after the oldest request arrived.
    private async Task GatherAsync(List<PendingPrediction<TInput, TOutput>> batch)
    {
        long oldest = 0;
        while (batch.Count < _options.MaxBatchSize)
        {
            if (_queue.Reader.TryRead(out var pending))
            {
                if (pending.Task.IsCompleted)
                    continue; // cancelled while waiting: it never reaches the model
                if (batch.Count == 0)
                    oldest = pending.EnqueuedAt;
                batch.Add(pending);
                continue;
            }
            if (batch.Count == 0)
                return;
            var remaining = _options.MaxWait - System.Diagnostics.Stopwatch.GetElapsedTime(oldest);
            if (remaining <= TimeSpan.Zero)
                return;
            using var timeout = new CancellationTokenSource(remaining);
            try
            {
                if (!await _queue.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                    return; // closed: score what is here
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Score(List<PendingPrediction<TInput, TOutput>> batch)
    {
        // Sorted by text length, so that the model's forward passes (chunks of its inference batch size) pad little.
        var ordered = batch.OrderBy(p => TextLength<TInput>.Of(p.Row)).ToArray();
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _rows, ordered.Length);
        TOutput[] outputs;
        try
        {
            outputs = Transform(ordered.Select(p => p.Row).ToArray());
        }
        catch (Exception) when (ordered.Length > 1)
        {
            foreach (var pending in ordered)
                ScoreAlone(pending);
            return;
        }
        catch (Exception e)
        {
            ordered[0].Fail(e);
            return;
        }
        for (int i = 0; i < ordered.Length; i++)
            ordered[i].Complete(outputs[i]);
    }

    private void ScoreAlone(PendingPrediction<TInput, TOutput> pending)
    {
        if (pending.Task.IsCompleted)
            return;
        try
        {
            pending.Complete(Transform([pending.Row])[0]);
        }
        catch (Exception e)
        {
            pending.Fail(e);
        }
    }

    private TOutput[] Transform(TInput[] rows)
    {
        _batchRows.Set(rows);
        TOutput[] outputs;
        try
        {
            outputs = _scoredRows.ToArray();
        }
        finally
        {
            _batchRows.Set([]);
        }
        if (outputs.Length != rows.Length)
            throw new InvalidOperationException(
                $"The model returned {outputs.Length} rows for {rows.Length}: BatchingPredictor needs a model that maps each row to one row (no filters).");
        return outputs;
    }

    /// <summary>
    /// Refuses new requests, scores those already queued, and returns once the last batch is done. The model is not
    /// disposed.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _scoringLoop.ConfigureAwait(false);
            return;
        }
        _queue.Writer.TryComplete();
        await _scoringLoop.ConfigureAwait(false);
    }

    /// <summary>As <see cref="DisposeAsync"/>, blocking until the queued requests are scored.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
