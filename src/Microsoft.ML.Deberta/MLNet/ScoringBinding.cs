using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A scoring transformer applied to one input schema: where its text columns are, which columns it adds, and
/// the output schema (input columns first, then the added ones, which hide same-named input columns).
/// </summary>
internal sealed class ScoringBinding
{
    private readonly PredictionColumns _predictions;

    public ScoringBinding(TextScoringTransformer owner, DataViewSchema inputSchema)
    {
        Owner = owner;
        InputSchema = inputSchema;
        TextIndex = ColumnRules.RequireText(inputSchema, owner.Columns.Text, "text");
        PairIndex = owner.Columns.Pair is { } pair ? ColumnRules.RequireText(inputSchema, pair, "second text") : null;
        _predictions = owner.Predictions;
        var added = _predictions.CreateColumns(ScoreAnnotations.NextScoreColumnSetId(inputSchema));
        AddedCount = added.Length;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumns(added);
        OutputSchema = builder.ToSchema();
    }

    public TextScoringTransformer Owner { get; }

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

    /// <summary>Splits requested output columns into the added ones and the input columns needed (text included when anything is scored).</summary>
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

    /// <summary>A getter for added column <paramref name="addedIndex"/> typed as the caller asks, or a clear error.</summary>
    public ValueGetter<TValue> AddedGetter<TValue>(int addedIndex, Func<float[]> outputs)
    {
        var getter = _predictions.MakeGetter(addedIndex, outputs);
        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{OutputSchema[InputSchema.Count + addedIndex].Name}' has type {OutputSchema[InputSchema.Count + addedIndex].Type}; " +
            $"it cannot be read as {typeof(TValue).Name}.");
    }
}
