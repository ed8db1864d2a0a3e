using System.Globalization;

namespace Microsoft.ML.Deberta.Samples.WebApi;

/// <summary>The server's command line.</summary>
internal sealed class ServeArguments
{
    public const string Usage = """
        Usage: Microsoft.ML.Deberta.Samples.WebApi [model.zip] [options]
          model.zip                 a model saved by DebertaModelIO.Save (e.g. the AutoML sample's AutoML-output/model.zip)
          --train-tiny <path>       no model given: train a small Yelp sentiment classifier (about a minute), save it here, serve it
          --host <address>          default 127.0.0.1
          --port <n>                default 5000; 0 picks a free port (printed at start)
          --no-batching             one row per forward pass (pooled PredictionEngines), for comparison
          --max-batch <n>           rows scored together at most (default 32)
          --max-wait-ms <n>         how long the oldest request waits for company once the model is free (default 0)
          --queue <n>               requests that may wait before new ones get 503 (default 1024)
          --max-texts <n>           texts per request at most (default 256)
          --max-body-bytes <n>      request body size at most (default 1048576)
          --text-column <name>      the model's text column (default: Text, else its first text column)
          --no-request-log          do not log one line per request
          --threads <n>             libtorch's threads per forward pass (default: one per core); a TorchSharp model only
        """;

    public string? ModelPath { get; private set; }

    public string? TrainTinyPath { get; private set; }

    public string Host { get; private set; } = "127.0.0.1";

    public int Port { get; private set; } = 5000;

    public bool Batching { get; private set; } = true;

    public BatchingOptions Batch { get; private set; } = new();

    public int MaxTexts { get; private set; } = 256;

    public long MaxBodyBytes { get; private set; } = 1 << 20;

    public string? TextColumn { get; private set; }

    public bool RequestLog { get; private set; } = true;

    /// <summary>libtorch's intra-op threads, or null to leave its default (one per core).</summary>
    public int? TorchThreads { get; private set; }

    /// <exception cref="ArgumentException">An unknown flag, a missing or bad value: the message says which.</exception>
    public static ServeArguments Parse(IReadOnlyList<string> args)
    {
        var a = new ServeArguments();
        int maxBatch = a.Batch.MaxBatchSize, queue = a.Batch.QueueCapacity;
        double maxWaitMs = a.Batch.MaxWait.TotalMilliseconds;
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number(int min) => int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min
                ? n : throw new ArgumentException($"{args[i - 1]} needs a whole number of at least {min}, not '{args[i]}'.");
            switch (args[i])
            {
                case "--train-tiny": a.TrainTinyPath = Path.GetFullPath(Value()); break;
                case "--host": a.Host = Value(); break;
                case "--port": a.Port = Number(0); break;
                case "--no-batching": a.Batching = false; break;
                case "--max-batch": maxBatch = Number(1); break;
                case "--max-wait-ms": maxWaitMs = Number(0); break;
                case "--queue": queue = Number(1); break;
                case "--max-texts": a.MaxTexts = Number(1); break;
                case "--max-body-bytes": a.MaxBodyBytes = Number(1024); break;
                case "--text-column": a.TextColumn = Value(); break;
                case "--no-request-log": a.RequestLog = false; break;
                case "--threads": a.TorchThreads = Number(1); break;
                case "--help" or "-h": throw new ArgumentException(Usage);
                default:
                    if (args[i].StartsWith('-') || a.ModelPath is not null)
                        throw new ArgumentException($"Unknown argument '{args[i]}'.\n{Usage}");
                    a.ModelPath = Path.GetFullPath(args[i]);
                    break;
            }
        }
        if (a.ModelPath is null && a.TrainTinyPath is null)
            throw new ArgumentException($"Give a model.zip, or --train-tiny <path> to train a small one.\n{Usage}");
        a.Batch = new BatchingOptions { MaxBatchSize = maxBatch, MaxWait = TimeSpan.FromMilliseconds(maxWaitMs), QueueCapacity = queue };
        return a;
    }
}
