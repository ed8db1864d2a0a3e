using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// An <see cref="ITrialStore"/> in one SQLite file (Microsoft.Data.Sqlite): table <c>experiment</c> (the key), <c>trials</c>
/// (parameter JSON, status, metric, loss, every metric as JSON, duration, peak memory, error) and <c>epochs</c> (one row
/// per finished epoch, written as it finishes). Each write is its own transaction, so a killed process loses at most the
/// trial it was running.
/// </summary>
public sealed class SqliteTrialStore : ITrialStore
{
    private readonly SqliteConnection _connection;

    /// <summary>Opens or creates the store file (its folder is created).</summary>
    public SqliteTrialStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        _connection.Open();
        Execute("""
            CREATE TABLE IF NOT EXISTS experiment (key TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS trials (id INTEGER PRIMARY KEY, parameter TEXT NOT NULL, status TEXT NOT NULL, metric REAL,
              loss REAL, metrics TEXT, duration_seconds REAL, peak_memory_bytes INTEGER, stopped_by_budget INTEGER, error TEXT);
            CREATE TABLE IF NOT EXISTS epochs (trial_id INTEGER NOT NULL, epoch INTEGER NOT NULL, training_loss REAL, metric_name TEXT,
              metric REAL, elapsed_seconds REAL, PRIMARY KEY (trial_id, epoch));
            """);
    }

    /// <summary>The store file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public void Open(string experimentKey)
    {
        using var read = Command("SELECT key FROM experiment LIMIT 1");
        if (read.ExecuteScalar() is string stored)
        {
            if (stored == experimentKey) return;
            var was = stored.Split('\n');
            var now = experimentKey.Split('\n');
            var first = Enumerable.Range(0, Math.Max(was.Length, now.Length))
                .First(i => i >= was.Length || i >= now.Length || was[i] != now[i]);
            throw new InvalidOperationException(
                $"The trial store '{Path}' was written by an experiment with another search space or settings, so its trials cannot be resumed: " +
                $"it has '{(first < was.Length ? was[first] : "(nothing)")}' where this experiment has '{(first < now.Length ? now[first] : "(nothing)")}'. " +
                "Use another checkpoint folder, or delete the store to start over.");
        }
        Execute("INSERT INTO experiment (key) VALUES ($key)", ("$key", experimentKey));
    }

    /// <inheritdoc/>
    public IReadOnlyList<TrialResult> LoadTrials()
    {
        var epochs = new Dictionary<int, List<TrialEpoch>>();
        using (var read = Command("SELECT trial_id, epoch, training_loss, metric_name, metric, elapsed_seconds FROM epochs ORDER BY trial_id, epoch"))
        using (var r = read.ExecuteReader())
            while (r.Read())
                (epochs.TryGetValue(r.GetInt32(0), out var list) ? list : epochs[r.GetInt32(0)] = []).Add(new TrialEpoch(r.GetInt32(1),
                    r.IsDBNull(2) ? double.NaN : r.GetDouble(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetDouble(4),
                    TimeSpan.FromSeconds(r.GetDouble(5))));
        var trials = new List<TrialResult>();
        using (var read = Command("SELECT id, parameter, status, metric, loss, metrics, duration_seconds, peak_memory_bytes, stopped_by_budget, error FROM trials ORDER BY id"))
        using (var r = read.ExecuteReader())
            while (r.Read())
                trials.Add(new TrialResult
                {
                    Id = r.GetInt32(0), Parameter = Parameter.FromJson(r.GetString(1)), Status = Enum.Parse<TrialStatus>(r.GetString(2)),
                    Metric = r.IsDBNull(3) ? null : r.GetDouble(3), Loss = r.IsDBNull(4) ? double.PositiveInfinity : r.GetDouble(4),
                    Metrics = r.IsDBNull(5) ? new Dictionary<TextAutoMLMetric, double>() : JsonSerializer.Deserialize<Dictionary<TextAutoMLMetric, double>>(r.GetString(5))!,
                    Epochs = epochs.GetValueOrDefault(r.GetInt32(0)) ?? [], Duration = TimeSpan.FromSeconds(r.IsDBNull(6) ? 0 : r.GetDouble(6)),
                    PeakMemoryBytes = r.IsDBNull(7) ? 0 : r.GetInt64(7), StoppedByBudget = !r.IsDBNull(8) && r.GetInt64(8) != 0,
                    Error = r.IsDBNull(9) ? null : r.GetString(9),
                });
        return trials;
    }

    /// <inheritdoc/>
    public void TrialStarted(int id, Parameter parameter) => Execute("""
        DELETE FROM epochs WHERE trial_id = $id;
        INSERT OR REPLACE INTO trials (id, parameter, status) VALUES ($id, $parameter, 'Running');
        """, ("$id", id), ("$parameter", parameter.ToJson()));

    /// <inheritdoc/>
    public void EpochCompleted(int id, TrialEpoch epoch) => Execute("""
        INSERT OR REPLACE INTO epochs (trial_id, epoch, training_loss, metric_name, metric, elapsed_seconds)
        VALUES ($id, $epoch, $loss, $name, $metric, $elapsed)
        """, ("$id", id), ("$epoch", epoch.Epoch), ("$loss", Finite(epoch.TrainingLoss)), ("$name", epoch.ValidationMetricName),
        ("$metric", epoch.ValidationMetric is double m ? Finite(m) : null), ("$elapsed", epoch.Elapsed.TotalSeconds));

    /// <inheritdoc/>
    public void TrialFinished(TrialResult t) => Execute("""
        INSERT OR REPLACE INTO trials (id, parameter, status, metric, loss, metrics, duration_seconds, peak_memory_bytes, stopped_by_budget, error)
        VALUES ($id, $parameter, $status, $metric, $loss, $metrics, $duration, $memory, $budget, $error)
        """, ("$id", t.Id), ("$parameter", t.Parameter.ToJson()), ("$status", t.Status.ToString()), ("$metric", t.Metric is double m ? Finite(m) : null),
        ("$loss", Finite(t.Loss)), ("$metrics", JsonSerializer.Serialize(t.Metrics.Where(p => double.IsFinite(p.Value)).ToDictionary())),
        ("$duration", t.Duration.TotalSeconds), ("$memory", t.PeakMemoryBytes), ("$budget", t.StoppedByBudget ? 1 : 0), ("$error", t.Error));

    /// <inheritdoc/>
    public void Dispose() => _connection.Dispose();

    // SQLite turns NaN into NULL; store every non-finite value (a failed trial's +∞ loss) as NULL, read back as "none".
    private static object? Finite(double value) => double.IsFinite(value) ? value : null;

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var transaction = _connection.BeginTransaction();
        using var command = Command(sql);
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        command.ExecuteNonQuery();
        transaction.Commit();
    }
}
