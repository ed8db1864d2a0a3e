using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A tokenization transformer applied to one input schema: where its text columns are, which columns it adds
/// (input ids, attention mask, token type ids; Vector&lt;Int64&gt;), and the output schema (input columns first,
/// then the added ones, which hide same-named input columns).
/// </summary>
internal sealed class TokenizationBinding
{
    public const int AddedCount = 3;

    public TokenizationBinding(TokenizationTransformer owner, DataViewSchema inputSchema)
    {
        Owner = owner;
        InputSchema = inputSchema;
        var settings = owner.Settings;
        TextIndex = ColumnRules.RequireText(inputSchema, settings.TextColumn, "text");
        PairIndex = settings.PairColumn is { } pair ? ColumnRules.RequireText(inputSchema, pair, "second text") : null;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var name in settings.OutputColumns)
            builder.AddColumn(name, OutputType(settings));
        OutputSchema = builder.ToSchema();
    }

    public TokenizationTransformer Owner { get; }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public int TextIndex { get; }

    public int? PairIndex { get; }

    /// <summary>The type of every added column: fixed-size when rows are padded to the maximum length, else variable-length.</summary>
    public static VectorDataViewType OutputType(TokenizationSettings settings) =>
        new(NumberDataViewType.Int64, settings.PadToMaxLength ? settings.MaxLength : 0);

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

    /// <summary>A reader of the current row's encoding, computed once per row position.</summary>
    public Func<DebertaEncoding> EncodingReader(DataViewRow input)
    {
        var text = input.GetGetter<ReadOnlyMemory<char>>(InputSchema[TextIndex]);
        var pair = PairIndex is { } p ? input.GetGetter<ReadOnlyMemory<char>>(InputSchema[p]) : null;
        long position = -1;
        DebertaEncoding? encoding = null;
        ReadOnlyMemory<char> value = default;
        return () =>
        {
            if (encoding is not null && position == input.Position)
                return encoding;
            text(ref value);
            string first = value.ToString();
            string? second = null;
            if (pair is not null)
            {
                pair(ref value);
                second = value.ToString();
            }
            encoding = Owner.Encode(first, second);
            position = input.Position;
            return encoding;
        };
    }

    /// <summary>A getter for added column <paramref name="addedIndex"/>, or a clear error when the caller asks for the wrong type.</summary>
    public ValueGetter<TValue> AddedGetter<TValue>(int addedIndex, Func<DebertaEncoding> encoding)
    {
        Func<DebertaEncoding, IReadOnlyList<int>> select = addedIndex switch
        {
            0 => e => e.InputIds,
            1 => e => e.AttentionMask,
            2 => e => e.TokenTypeIds,
            _ => throw new ArgumentOutOfRangeException(nameof(addedIndex)),
        };
        ValueGetter<VBuffer<long>> getter = (ref VBuffer<long> dst) =>
        {
            var values = select(encoding());
            var editor = VBufferEditor.Create(ref dst, values.Count);
            for (int i = 0; i < values.Count; i++)
                editor.Values[i] = values[i];
            dst = editor.Commit();
        };
        var column = OutputSchema[InputSchema.Count + addedIndex];
        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
    }
}
