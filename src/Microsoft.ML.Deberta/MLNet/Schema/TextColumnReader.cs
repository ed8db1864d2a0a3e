using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Reads one text column of an <see cref="IDataView"/> in a pass, rejecting empty texts with the row number.</summary>
internal static class TextColumnReader
{
    /// <summary>Reads every row's text.</summary>
    /// <param name="data">The rows.</param>
    /// <param name="column">The text column's name.</param>
    /// <param name="what">Names the data in messages, e.g. "training data".</param>
    /// <param name="cancellationToken">Checked every 1024 rows.</param>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or not text.</exception>
    /// <exception cref="InvalidDataException">A text is empty, or there are no rows.</exception>
    public static IReadOnlyList<string> Read(IDataView data, string column, string what, CancellationToken cancellationToken)
    {
        var schema = data.Schema;
        var textColumn = schema[ColumnRules.RequireText(schema, column, "text")];
        var texts = new List<string>();
        using (var cursor = data.GetRowCursor([textColumn]))
        {
            var getter = cursor.GetGetter<ReadOnlyMemory<char>>(textColumn);
            ReadOnlyMemory<char> value = default;
            long row = 0;
            while (cursor.MoveNext())
            {
                row++;
                if ((row & 1023) == 0)
                    cancellationToken.ThrowIfCancellationRequested();
                getter(ref value);
                texts.Add(TextTrainingSetReader.NonEmpty(value, column, row, what));
            }
        }
        if (texts.Count == 0)
            throw new InvalidDataException($"The {what} has no rows; masked-LM training needs texts in column '{column}'.");
        return texts;
    }
}
