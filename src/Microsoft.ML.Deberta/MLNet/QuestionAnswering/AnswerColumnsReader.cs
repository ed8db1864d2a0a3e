using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Reads gold and predicted answers from a data view for <c>EvaluateQuestionAnswering</c>.</summary>
internal static class AnswerColumnsReader
{
    /// <summary>Per row, the gold answers (empty or blank texts dropped) and the first predicted answer ("" when none).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or neither text nor a vector of text.</exception>
    public static (List<IReadOnlyList<string>> Gold, List<string?> Predicted) Read(IDataView data, string goldColumn, string predictedColumn)
    {
        var gold = Column(data.Schema, goldColumn, "gold answers");
        var predicted = Column(data.Schema, predictedColumn, "predicted answer");
        var golds = new List<IReadOnlyList<string>>();
        var predictions = new List<string?>();
        using var cursor = data.GetRowCursor([gold, predicted]);
        var readGold = Texts(cursor, gold);
        var readPredicted = Texts(cursor, predicted);
        while (cursor.MoveNext())
        {
            golds.Add([.. readGold().Where(a => !string.IsNullOrWhiteSpace(a))]);
            predictions.Add(readPredicted().FirstOrDefault() ?? "");
        }
        return (golds, predictions);
    }

    private static DataViewSchema.Column Column(DataViewSchema schema, string name, string role)
    {
        var column = schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException("data",
            $"The {role} column '{name}' was not found; the columns are: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}.");
        return column.Type is TextDataViewType || column.Type is VectorDataViewType { ItemType: TextDataViewType } ? column
            : throw new ArgumentOutOfRangeException("data", $"The {role} column '{name}' has type {column.Type}; it must be String or a vector of String.");
    }

    private static Func<string[]> Texts(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is TextDataViewType)
        {
            var getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> value = default;
            return () =>
            {
                getter(ref value);
                return [value.ToString()];
            };
        }
        var vector = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
        VBuffer<ReadOnlyMemory<char>> values = default;
        return () =>
        {
            vector(ref values);
            return [.. values.DenseValues().Select(v => v.ToString())];
        };
    }
}
