using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A fitted structured step: a <see cref="IDebertaRowScorer{TRow}"/> and the task's output binder over one text column
/// (or a pair). Owns what every structured task shares: the forward-pass lock, the prediction count check, the lazy
/// batching view, the <c>PredictionEngine</c> mapper and the saved folder. Wrapped by <see cref="StructuredScoringTransformer"/>.
/// </summary>
/// <typeparam name="TRow">The prediction for one row.</typeparam>
internal sealed class RowScoring<TRow> : IRowScoringStep, IRowScoring<TRow>
{
    private readonly object _forwardLock = new();
    private IDebertaRowScorer<TRow>? _scorer;

    /// <param name="scorer">The model; owned (disposed) by this step from now on.</param>
    /// <param name="outputs">The task's output columns.</param>
    /// <param name="columns">The text column(s) read.</param>
    /// <param name="batchSize">Rows per forward pass.</param>
    public RowScoring(IDebertaRowScorer<TRow> scorer, ITaskOutputColumns<TRow> outputs, TextColumns columns, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _scorer = scorer;
        TaskOutputs = outputs;
        Columns = columns;
        BatchSize = batchSize;
        PayloadKind = scorer.PayloadKind;
    }

    public string TaskKind => TaskOutputs.TaskKind;

    public string PayloadKind { get; }

    public TextColumns Columns { get; }

    public int BatchSize { get; }

    /// <summary>The task's output binder.</summary>
    public ITaskOutputColumns<TRow> TaskOutputs { get; }

    public IRowOutputColumns<TRow> Outputs => TaskOutputs;

    public IDebertaScorer Scorer => RowScorer;

    /// <summary>The model, typed (tests and diagnostics; calls must go through <see cref="ScoreRows"/>).</summary>
    public IDebertaRowScorer<TRow> RowScorer => Volatile.Read(ref _scorer) ?? throw StructuredScoringTransformer.Disposed();

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => new ScoringBinding<TRow>(this, inputSchema).OutputSchema;

    public IDataView Transform(IDataView input) => new ScoringDataView<TRow>(new ScoringBinding<TRow>(this, input.Schema), input);

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new ScoringRowMapper<TRow>(new ScoringBinding<TRow>(this, inputSchema));

    /// <summary>Prepares the batch outside the lock (tokenizing), runs the model under it, checks one prediction per row.</summary>
    public IReadOnlyList<TRow> ScoreRows(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs)
    {
        var prepared = RowScorer.PrepareBatch(texts, pairs);
        IReadOnlyList<TRow> rows;
        lock (_forwardLock)
            rows = (_scorer ?? throw StructuredScoringTransformer.Disposed()).ScoreBatch(texts, pairs, prepared);
        if (rows is null || rows.Count != texts.Count || rows.Any(r => r is null))
            throw new InvalidOperationException(
                $"The model returned {rows?.Count.ToString() ?? "no"} predictions for a batch of {texts.Count} rows (expected one per row).");
        return rows;
    }

    public void WriteStep(string folder)
    {
        lock (_forwardLock)
            (_scorer ?? throw StructuredScoringTransformer.Disposed()).SavePayload(Directory.CreateDirectory(Path.Combine(folder, RowScoringReaders.ModelFolder)).FullName);
        RowStepSettings.From(this).Write(Path.Combine(folder, RowStepSettings.FileName));
    }

    public void Dispose()
    {
        lock (_forwardLock)
        {
            _scorer?.Dispose();
            _scorer = null;
        }
    }
}
