using System.Diagnostics;

namespace Microsoft.ML.Deberta.Samples.WebApi;

/// <summary>
/// The model behind the endpoint: loaded (and warmed up) in the background after the server starts, so that /healthz
/// answers at once and /readyz tells loading, ready or why loading failed. Scores through a
/// <see cref="BatchingPredictor{TInput, TOutput}"/>, or, with --no-batching, a <see cref="PooledPredictionEngine{TInput, TOutput}"/>.
/// </summary>
internal sealed class ServedModel(ServeArguments arguments, ILogger<ServedModel> log) : IAsyncDisposable
{
    private readonly MLContext _mlContext = new(seed: 1);
    private ITransformer? _model;
    private BatchingPredictor<ServedInput, ServedOutput>? _batching;
    private PooledPredictionEngine<ServedInput, ServedOutput>? _engines;
    private volatile Loaded? _loaded;

    /// <summary>What /readyz reports once loading ended: the columns, or why it failed.</summary>
    private sealed record Loaded(ModelColumns? Columns, string? Failure, string Path);

    public bool IsReady => _loaded?.Columns is not null;

    /// <summary>"loading", "ready" or "failed", and the reason or the model's path.</summary>
    public (string Status, string Detail) State => _loaded switch
    {
        null => ("loading", arguments.ModelPath ?? arguments.TrainTinyPath ?? ""),
        { Columns: not null } l => ("ready", l.Path),
        { } l => ("failed", l.Failure!),
    };

    public string Mode => arguments.Batching
        ? $"batching (max {arguments.Batch.MaxBatchSize} rows, {arguments.Batch.MaxWait.TotalMilliseconds:0.#} ms wait)" : "one row per pass";

    public long Batches => _batching?.BatchCount ?? 0;

    /// <summary>Loads (training the tiny model first when asked), warms up, then starts scoring. Never throws: a failure is the state.</summary>
    public void Load(CancellationToken stopping)
    {
        string path = arguments.ModelPath ?? arguments.TrainTinyPath!;
        try
        {
            var clock = Stopwatch.StartNew();
            // Only when asked: setting it loads libtorch, which a model scoring through ONNX Runtime never needs.
            if (arguments.TorchThreads is { } threads)
                TorchSharp.torch.set_num_threads(threads);
            if (arguments.ModelPath is null && !File.Exists(path))
                TinyModel.Train(_mlContext, path, log, stopping);
            if (!File.Exists(path))
                throw new FileNotFoundException($"No model at {path}: give the path of a .zip saved by DebertaModelIO.Save.", path);
            _model = DebertaModelIO.Load(_mlContext, path, out var inputSchema);
            var columns = ModelColumns.Describe(_model, inputSchema, arguments.TextColumn);
            if (arguments.Batching)
                _batching = new BatchingPredictor<ServedInput, ServedOutput>(_mlContext, _model, arguments.Batch, columns.Input, columns.Output);
            else
                _engines = new PooledPredictionEngine<ServedInput, ServedOutput>(_mlContext, _model, null, columns.Input, columns.Output);
            // Warm-up: the first pass allocates and picks kernels; do it before saying ready.
            Score(columns, ["Warming up the model before the first request."], stopping).GetAwaiter().GetResult();
            _loaded = new Loaded(columns, null, path);
            log.LogInformation("Ready: {Path} ({Mode}, text column '{Text}', classes [{Classes}]) in {Seconds:0.0} s.",
                path, Mode, columns.TextColumn, string.Join(", ", columns.ClassNames), clock.Elapsed.TotalSeconds);
        }
        catch (Exception e)
        {
            _loaded = new Loaded(null, $"{e.GetType().Name}: {e.Message}", path);
            log.LogError(e, "Loading {Path} failed: {Reason}", path, _loaded.Failure);
        }
    }

    /// <summary>Scores the texts of one request; each text is its own row (batched with other requests' rows).</summary>
    /// <exception cref="PredictionQueueFullException">Too many requests are waiting.</exception>
    public Task<Prediction[]> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        Score(_loaded?.Columns ?? throw new InvalidOperationException("The model is not ready."), texts, cancellationToken);

    private async Task<Prediction[]> Score(ModelColumns columns, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var rows = texts.Select(t => new ServedInput { Text = t }).ToArray();
        ServedOutput[] outputs;
        if (_batching is not null)
            outputs = await Task.WhenAll(rows.Select(r => _batching.PredictAsync(r, cancellationToken)));
        else
            outputs = [.. rows.Select(_engines!.Predict)];
        return [.. outputs.Select(columns.Answer)];
    }

    /// <summary>Runs when the host stops, after in-flight requests finished: the queue drains, then the model is freed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_batching is not null)
            await _batching.DisposeAsync();
        _engines?.Dispose();
        (_model as IDisposable)?.Dispose();
    }
}
