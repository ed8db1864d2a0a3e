using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// A data view with a Text column and a Key&lt;UInt32, count&gt; Label column whose raw values are served as given, even
/// outside 0..count: ML.NET's own loaders turn such values into 0 (missing), a hand-written view need not.
/// </summary>
internal sealed class RawKeyView : IDataView
{
    private readonly (string Text, uint Key)[] _rows;

    public RawKeyView(int keyCount, params (string Text, uint Key)[] rows)
    {
        _rows = rows;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Text", TextDataViewType.Instance);
        builder.AddColumn("Label", new KeyDataViewType(typeof(uint), keyCount));
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _rows.Length;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private sealed class Cursor(RawKeyView view) : DataViewRowCursor
    {
        private long _position = -1;

        public override DataViewSchema Schema => view.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext() => ++_position < view._rows.Length;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => column.Index switch
        {
            0 => (ValueGetter<TValue>)(Delegate)(ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = view._rows[_position].Text.AsMemory()),
            _ => (ValueGetter<TValue>)(Delegate)(ValueGetter<uint>)((ref uint v) => v = view._rows[_position].Key),
        };
    }
}
