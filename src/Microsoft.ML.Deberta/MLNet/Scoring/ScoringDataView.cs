namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The lazy result of <see cref="TextScoringTransformer.Transform"/>. Cursors that read a prediction column score
/// rows in batches; cursors that read only input columns pass them through without touching the model.
/// </summary>
internal sealed class ScoringDataView(ScoringBinding binding, IDataView input) : IDataView
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
            ? new BatchScoringCursor(binding, inputCursor, inputs, added)
            : new PassThroughCursor(binding, inputCursor);
    }

    // One cursor: forward passes are serialised per model anyway, so parallel cursors would only queue.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
