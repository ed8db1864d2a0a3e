using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// What the tokenization and scoring transformers share once applied to an input schema: where the text columns are,
/// and an output schema of the input columns followed by the added ones (which hide same-named input columns).
/// </summary>
internal abstract class TextColumnsBinding
{
    protected TextColumnsBinding(DataViewSchema inputSchema, string textColumn, string? pairColumn, IReadOnlyList<DataViewSchema.DetachedColumn> added)
    {
        InputSchema = inputSchema;
        TextIndex = ColumnRules.RequireText(inputSchema, textColumn, "text");
        PairIndex = pairColumn is { } pair ? ColumnRules.RequireText(inputSchema, pair, "second text") : null;
        AddedCount = added.Count;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumns(added);
        OutputSchema = builder.ToSchema();
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    /// <summary>Index of the text column in the input schema.</summary>
    public int TextIndex { get; }

    /// <summary>Index of the second text column in the input schema, if any.</summary>
    public int? PairIndex { get; }

    /// <summary>Number of added columns; they follow the <c>InputSchema.Count</c> input columns.</summary>
    public int AddedCount { get; }

    /// <summary>Index of an output column among the added ones, or -1 for a pass-through input column.</summary>
    public int AddedIndex(DataViewSchema.Column outputColumn)
    {
        if (outputColumn.Index < 0 || outputColumn.Index >= OutputSchema.Count)
            throw new ArgumentOutOfRangeException(nameof(outputColumn), $"Column '{outputColumn.Name}' is not a column of this data.");
        return outputColumn.Index < InputSchema.Count ? -1 : outputColumn.Index - InputSchema.Count;
    }

    /// <summary>Splits requested output columns into the added ones and the input columns needed (the text columns when anything is added).</summary>
    public (bool[] Added, HashSet<int> Inputs) Split(IEnumerable<DataViewSchema.Column> outputColumns)
    {
        var added = new bool[AddedCount];
        var inputs = new HashSet<int>();
        foreach (var column in outputColumns)
        {
            int index = AddedIndex(column);
            if (index < 0)
                inputs.Add(column.Index);
            else
                added[index] = true;
        }
        if (added.Any(a => a))
        {
            inputs.Add(TextIndex);
            if (PairIndex is { } pair)
                inputs.Add(pair);
        }
        return (added, inputs);
    }

    /// <summary>Whether an output column is active on a row that passes input columns through from <paramref name="input"/>.</summary>
    public bool IsActive(DataViewSchema.Column column, DataViewRow input, bool[] addedActive)
    {
        int added = AddedIndex(column);
        return added >= 0 ? addedActive[added] : input.IsColumnActive(InputSchema[column.Index]);
    }

    /// <summary>
    /// A getter for an output column of a row that passes input columns through from <paramref name="input"/>; an added
    /// column comes from <paramref name="addedGetter"/> when it was requested, else a clear error naming the
    /// <paramref name="holder"/> ("row", "cursor").
    /// </summary>
    public ValueGetter<TValue> Getter<TValue>(DataViewSchema.Column column, DataViewRow input, bool[] addedActive,
        Func<int, ValueGetter<TValue>> addedGetter, string holder)
    {
        int added = AddedIndex(column);
        if (added < 0)
            return input.GetGetter<TValue>(InputSchema[column.Index]);
        if (!addedActive[added])
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when this {holder} was created.");
        return addedGetter(added);
    }

    /// <summary>Casts a getter of added column <paramref name="addedIndex"/> to the type the caller asks for, or a clear error.</summary>
    protected ValueGetter<TValue> Typed<TValue>(Delegate getter, int addedIndex)
    {
        var column = OutputSchema[InputSchema.Count + addedIndex];
        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
    }
}
