using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.Serving;

/// <summary>
/// A view of <c>inner</c> whose cursors are always one serial cursor. ML.NET's row-to-row transforms (e.g. the
/// key-to-value step after a classifier) otherwise answer <c>GetRowCursor</c> by splitting their input over a thread per
/// core and merging the results back (<c>DataViewUtils.TryCreateConsolidatingCursor</c>): a batching predictor's batch
/// is scored in one forward pass anyway, so that only adds two thread hand-offs and their buffers to every batch.
/// </summary>
internal sealed class SingleCursorView(IDataView inner) : IDataView
{
    public bool CanShuffle => false;

    public DataViewSchema Schema => inner.Schema;

    public long? GetRowCount() => inner.GetRowCount();

    // A cursor set of one is the transforms' serial path: no splitter, no consolidator.
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        inner.GetRowCursorSet(columnsNeeded, 1, rand)[0];

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
