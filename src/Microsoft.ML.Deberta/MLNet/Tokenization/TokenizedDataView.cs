namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The lazy result of <see cref="TokenizationTransformer.Transform"/>: rows are tokenized when a cursor reads an
/// added column, one row at a time (tokenizing is cheap next to a forward pass, and parallel cursors share the work).
/// </summary>
internal sealed class TokenizedDataView(TokenizationBinding binding, IDataView input) : IDataView
{
    public DataViewSchema Schema => binding.OutputSchema;

    public bool CanShuffle => input.CanShuffle;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var (added, inputs) = binding.Split(columnsNeeded);
        return new TokenizingCursor(binding, input.GetRowCursor(inputs.Select(i => binding.InputSchema[i]), rand), added);
    }

    // The tokenizer is immutable and thread-safe, so each of the input's parallel cursors can tokenize its own rows.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var (added, inputs) = binding.Split(columnsNeeded);
        return input.GetRowCursorSet(inputs.Select(i => binding.InputSchema[i]), n, rand)
            .Select(cursor => (DataViewRowCursor)new TokenizingCursor(binding, cursor, added)).ToArray();
    }
}
