using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta;

/// <summary>
/// A fitted DeBERTa model whose prediction for a row is structured (a label per word, entities, answers): reads one
/// text column (or a pair) and adds the task's columns, variable-length vectors where a row has several values.
/// Immutable after Fit.
/// </summary>
/// <remarks>
/// <para><see cref="Transform"/> is lazy and scores in batches as rows are read; a <c>PredictionEngine</c> scores one
/// row at a time, into a class whose array fields bind the vector columns. Forward passes are serialised per model.</para>
/// <para>Save with <c>DebertaModelIO.Save</c> (or plain <c>mlContext.Model.Save</c>) and load with
/// <c>DebertaModelIO.Load</c>. Dispose the transformer (or the chain holding it) to free the model; a
/// <c>PredictionEngine</c> created with default options disposes its transformer when it is disposed.</para>
/// </remarks>
public sealed class StructuredScoringTransformer : ITransformer, IDisposable, IDebertaPipelineStep
{
    private IRowScoringStep? _step;

    internal StructuredScoringTransformer(IRowScoringStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        _step = step;
        TaskKind = step.TaskKind;
        PayloadKind = step.PayloadKind;
    }

    /// <summary>The task, e.g. <c>token-classification</c>.</summary>
    internal string TaskKind { get; }

    internal string PayloadKind { get; }

    /// <summary>The fitted step (tests and diagnostics).</summary>
    internal IRowScoringStep Step => Volatile.Read(ref _step) ?? throw Disposed();

    string IDebertaPipelineStep.PayloadKind => PayloadKind;

    string IDebertaPipelineStep.StepKind => PipelineStepKinds.StructuredScoring;

    bool ITransformer.IsRowToRowMapper => true;

    /// <summary>The schema <see cref="Transform"/> produces: the input columns followed by the task's columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A text column is missing or not text.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return Step.GetOutputSchema(inputSchema);
    }

    /// <summary>Adds the task's columns, lazily: rows are scored in batches while a cursor reads them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A text column is missing or not text.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Step.Transform(input);
    }

    IRowToRowMapper ITransformer.GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return Step.GetRowToRowMapper(inputSchema);
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => DebertaSaveScope.SaveStep(this, ctx);

    void IDebertaPipelineStep.WriteStep(string folder) => Step.WriteStep(folder);

    /// <summary>Rebuilds a step from the folder <see cref="IDebertaPipelineStep.WriteStep"/> wrote.</summary>
    internal static StructuredScoringTransformer ReadStep(string folder, string where, IReadOnlyList<IRowScoringReader> readers) =>
        new(RowScoringReaders.ReadStep(folder, where, readers));

    /// <summary>Frees the model. Later use throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => Interlocked.Exchange(ref _step, null)?.Dispose();

    internal static ObjectDisposedException Disposed() => new(nameof(StructuredScoringTransformer),
        "This DeBERTa model was disposed. Note that a PredictionEngine created with default options disposes its model " +
        "when it is disposed; use PredictionEngineOptions { OwnsTransformer = false } to share a model between engines.");
}
