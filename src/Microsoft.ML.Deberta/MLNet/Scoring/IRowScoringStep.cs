using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A fitted structured step without its row type: what <see cref="StructuredScoringTransformer"/> delegates to.
/// Implemented once, by <see cref="RowScoring{TRow}"/>.
/// </summary>
internal interface IRowScoringStep : IDisposable
{
    /// <summary>The task (see <see cref="ITaskOutputColumns{TRow}.TaskKind"/>).</summary>
    string TaskKind { get; }

    /// <summary>The model payload's format.</summary>
    string PayloadKind { get; }

    /// <summary>The model (tests and diagnostics).</summary>
    IDebertaScorer Scorer { get; }

    /// <summary>The input columns followed by the added ones.</summary>
    DataViewSchema GetOutputSchema(DataViewSchema inputSchema);

    /// <summary>A lazy view that scores rows in batches as a cursor reads them.</summary>
    IDataView Transform(IDataView input);

    /// <summary>The one-row mapper behind <c>PredictionEngine</c>.</summary>
    IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema);

    /// <summary>Writes <c>row_step.json</c> and the model payload in <c>model/</c>.</summary>
    void WriteStep(string folder);
}
