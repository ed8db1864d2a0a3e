using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Reads training rows from an <see cref="IDataView"/> in one pass, before any training starts, and rejects what
/// training cannot use with the row number and the fix: empty texts, missing (key 0) or out-of-range labels,
/// non-finite regression targets, no rows at all.
/// </summary>
internal static class TextTrainingSetReader
{
    /// <summary>Reads and checks <paramref name="data"/>; the schema must already have passed <see cref="ColumnRules"/>.</summary>
    /// <param name="data">The rows.</param>
    /// <param name="columns">The text column(s).</param>
    /// <param name="labelColumn">The label column.</param>
    /// <param name="predictions">What the label was found to be (kind, class count, names).</param>
    /// <param name="what">Names the data in messages, e.g. "training data".</param>
    /// <param name="cancellationToken">Checked every 1024 rows.</param>
    /// <exception cref="InvalidDataException">A row cannot be trained on, or there are no rows.</exception>
    public static TextTrainingSet Read(IDataView data, TextColumns columns, string labelColumn, PredictionColumns predictions,
        string what, CancellationToken cancellationToken)
    {
        var schema = data.Schema;
        var textColumn = schema[ColumnRules.RequireText(schema, columns.Text, "text")];
        DataViewSchema.Column? pairColumn = columns.Pair is { } pair ? schema[ColumnRules.RequireText(schema, pair, "second text")] : null;
        var label = schema.GetColumnOrNull(labelColumn) ?? throw new ArgumentOutOfRangeException(nameof(labelColumn),
            $"The label column '{labelColumn}' was not found in the {what}.");
        var needed = new List<DataViewSchema.Column> { textColumn, label };
        if (pairColumn is { } p)
            needed.Add(p);

        var texts = new List<string>();
        var pairs = pairColumn is null ? null : new List<string>();
        var classes = predictions.Kind == PredictionKind.Regression ? null : new List<int>();
        var targets = predictions.Kind == PredictionKind.Regression ? new List<float>() : null;
        using (var cursor = data.GetRowCursor(needed))
        {
            var text = cursor.GetGetter<ReadOnlyMemory<char>>(textColumn);
            var second = pairColumn is { } pc ? cursor.GetGetter<ReadOnlyMemory<char>>(pc) : null;
            var readLabel = LabelReader(cursor, label, predictions, what);
            ReadOnlyMemory<char> value = default;
            long row = 0;
            while (cursor.MoveNext())
            {
                row++;
                if ((row & 1023) == 0)
                    cancellationToken.ThrowIfCancellationRequested();
                text(ref value);
                texts.Add(NonEmpty(value, columns.Text, row, what));
                if (second is not null)
                {
                    second(ref value);
                    pairs!.Add(NonEmpty(value, columns.Pair!, row, what));
                }
                float target = readLabel(row);
                if (classes is not null)
                    classes.Add((int)target);
                else
                    targets!.Add(target);
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (texts.Count == 0)
            throw new InvalidDataException(
                $"The {what} has no rows. Check that the data was read as intended (for a text file: its path, separatorChar and hasHeader).");
        return new TextTrainingSet(predictions.Task, [.. texts], pairs?.ToArray(), classes?.ToArray(), targets?.ToArray(),
            predictions.ClassCount, predictions.ClassNames);
    }

    /// <summary>The text of a row, or an error naming the row and column when it is empty.</summary>
    internal static string NonEmpty(ReadOnlyMemory<char> value, string column, long row, string what)
    {
        if (value.Span.IsWhiteSpace())
            throw new InvalidDataException(
                $"Row {row} of the {what} has an empty text in column '{column}'. Remove or fill such rows before training " +
                "(when scoring, empty texts are scored as they are).");
        return value.ToString();
    }

    /// <summary>A reader of the current row's label: the 0-based class as a float, or the regression target.</summary>
    private static Func<long, float> LabelReader(DataViewRowCursor cursor, DataViewSchema.Column label, PredictionColumns predictions, string what)
    {
        if (predictions.Kind == PredictionKind.Regression)
        {
            var getter = cursor.GetGetter<float>(label);
            return row =>
            {
                float v = 0;
                getter(ref v);
                return float.IsFinite(v) ? v : throw new InvalidDataException(
                    $"Row {row} of the {what} has label {v} in column '{label.Name}'; regression needs a finite number in every row.");
            };
        }
        if (label.Type is BooleanDataViewType)
        {
            var getter = cursor.GetGetter<bool>(label);
            return _ =>
            {
                bool v = false;
                getter(ref v);
                return v ? 1 : 0;
            };
        }
        var key = KeyReader(cursor, label);
        int count = predictions.ClassCount;
        return row =>
        {
            ulong v = key();
            if (v == 0)
                throw new InvalidDataException(
                    $"Row {row} of the {what} has a missing label in column '{label.Name}' (key 0: a value MapValueToKey did not know, " +
                    $"or an empty one). Remove such rows first, e.g. mlContext.Data.FilterRowsByMissingValues(data, \"{label.Name}\").");
            if (v > (ulong)count)
                throw new InvalidDataException($"Row {row} of the {what} has label key {v} in column '{label.Name}', outside 1..{count}.");
            return (float)(v - 1);
        };
    }

    private static Func<ulong> KeyReader(DataViewRowCursor cursor, DataViewSchema.Column label)
    {
        var raw = label.Type.RawType;
        if (raw == typeof(uint))
            return Read<uint>(cursor, label, v => v);
        if (raw == typeof(ulong))
            return Read<ulong>(cursor, label, v => v);
        if (raw == typeof(ushort))
            return Read<ushort>(cursor, label, v => v);
        if (raw == typeof(byte))
            return Read<byte>(cursor, label, v => v);
        throw new ArgumentOutOfRangeException(nameof(label), $"The label column '{label.Name}' has an unsupported key type {label.Type}.");
    }

    private static Func<ulong> Read<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, ulong> widen)
    {
        var getter = cursor.GetGetter<T>(column);
        return () =>
        {
            T v = default!;
            getter(ref v);
            return widen(v);
        };
    }
}
