using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Reads QA training (or validation) rows from an <see cref="IDataView"/> in one pass, before any training starts:
/// context, question, answer text and answer start. Column types are checked first, with the fix in the message; row
/// contents are checked by <see cref="QuestionAnsweringFeatureBuilder"/>.
/// </summary>
internal static class QuestionAnsweringRowReader
{
    /// <summary>Reads every row.</summary>
    /// <param name="data">The rows.</param>
    /// <param name="o">The column names.</param>
    /// <param name="what">Names the data in messages, e.g. "training data".</param>
    /// <param name="cancellationToken">Checked every 1024 rows.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    /// <exception cref="InvalidDataException">There are no rows, or an answer start is not a whole number ≥ 0.</exception>
    public static List<QuestionAnsweringExample> Read(IDataView data, DebertaQuestionAnsweringOptions o, string what, CancellationToken cancellationToken)
    {
        var schema = data.Schema;
        var context = schema[ColumnRules.RequireText(schema, o.ContextColumnName, "context")];
        var question = schema[ColumnRules.RequireText(schema, o.QuestionColumnName, "question")];
        var answer = schema[ColumnRules.RequireText(schema, o.AnswerTextColumnName, "answer text")];
        var start = schema.GetColumnOrNull(o.AnswerStartColumnName) ?? throw new ArgumentOutOfRangeException(nameof(data),
            $"The answer start column '{o.AnswerStartColumnName}' was not found in the {what}; its columns are: " +
            $"{string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}.");
        var rows = new List<QuestionAnsweringExample>();
        using var cursor = data.GetRowCursor([context, question, answer, start]);
        var readContext = cursor.GetGetter<ReadOnlyMemory<char>>(context);
        var readQuestion = cursor.GetGetter<ReadOnlyMemory<char>>(question);
        var readAnswer = cursor.GetGetter<ReadOnlyMemory<char>>(answer);
        var readStart = StartReader(cursor, start);
        ReadOnlyMemory<char> value = default;
        while (cursor.MoveNext())
        {
            if ((rows.Count & 1023) == 1023)
                cancellationToken.ThrowIfCancellationRequested();
            readContext(ref value);
            string contextText = value.ToString();
            readQuestion(ref value);
            string questionText = value.ToString();
            readAnswer(ref value);
            string answerText = value.ToString();
            double raw = readStart();
            int? answerStart = double.IsNaN(raw) ? null
                : raw >= 0 && raw <= int.MaxValue && raw == Math.Floor(raw) ? (int)raw
                : throw new InvalidDataException(
                    $"Row {rows.Count} (counted from 0) of the {what} has answer start {raw} in column '{start.Name}'; it must be a whole " +
                    "number ≥ 0: the answer's first character in the context.");
            rows.Add(new QuestionAnsweringExample(questionText, contextText, answerText, answerStart));
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (rows.Count == 0)
            throw new InvalidDataException($"The {what} has no rows.");
        return rows;
    }

    /// <summary>A reader of the current row's answer start as a double (NaN: missing).</summary>
    private static Func<double> StartReader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var type = column.Type;
        if (type == NumberDataViewType.Int32)
            return Read<int>(cursor, column, v => v);
        if (type == NumberDataViewType.Int64)
            return Read<long>(cursor, column, v => v);
        if (type == NumberDataViewType.Single)
            return Read<float>(cursor, column, v => v);
        if (type == NumberDataViewType.Double)
            return Read<double>(cursor, column, v => v);
        throw new ArgumentOutOfRangeException("inputSchema",
            $"The answer start column '{column.Name}' has type {type}; it needs a number (Int32, Int64, Single or Double): the answer's " +
            "first character in the context, as SQuAD's answer_start.");
    }

    private static Func<double> Read<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, double> widen)
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
