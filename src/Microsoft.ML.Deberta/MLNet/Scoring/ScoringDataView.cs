namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The lazy result of a scoring step's <c>Transform</c>. Cursors that read a prediction column score
/// rows in batches; cursors that read only input columns pass them through without touching the model.
/// </summary>
/// <typeparam name="TRow">The prediction for one row.</typeparam>
internal sealed class ScoringDataView<TRow>(ScoringBinding<TRow> binding, IDataView input) : IDataView
{
    public DataViewSchema Schema => binding.OutputSchema;

    public bool CanShuffle => input.CanShuffle;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var (added, inputs) = binding.Split(columnsNeeded);
        var inputCursor = input.GetRowCursor(inputs.Select(i => binding.InputSchema[i]), rand);
        return added.Any(a => a)
            ? new BatchScoringCursor<TRow>(binding, inputCursor, inputs, added)
            : new PassThroughCursor(binding, inputCursor);
    }

    // One cursor: forward passes are serialised per model anyway, so parallel cursors would only queue.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
