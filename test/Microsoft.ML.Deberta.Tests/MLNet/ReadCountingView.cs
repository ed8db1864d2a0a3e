using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>Wraps a data view and counts how often any cursor reads one column's value (getter calls).</summary>
internal sealed class ReadCountingView(IDataView inner, string countedColumn) : IDataView
{
    private long _reads;

    private string CountedColumn => countedColumn;

    /// <summary>Values of the counted column read so far, over all cursors.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    public bool CanShuffle => inner.CanShuffle;

    public DataViewSchema Schema => inner.Schema;

    public long? GetRowCount() => inner.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, inner.GetRowCursor(columnsNeeded, rand));

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [.. inner.GetRowCursorSet(columnsNeeded, n, rand).Select(c => (DataViewRowCursor)new Cursor(this, c))];

    private sealed class Cursor(ReadCountingView view, DataViewRowCursor inner) : DataViewRowCursor
    {
        public override DataViewSchema Schema => inner.Schema;

        public override long Position => inner.Position;

        public override long Batch => inner.Batch;

        public override bool MoveNext() => inner.MoveNext();

        public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => inner.IsColumnActive(column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var getter = inner.GetGetter<TValue>(column);
            if (column.Name != view.CountedColumn)
                return getter;
            return (ref TValue value) =>
            {
                Interlocked.Increment(ref view._reads);
                getter(ref value);
            };
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
