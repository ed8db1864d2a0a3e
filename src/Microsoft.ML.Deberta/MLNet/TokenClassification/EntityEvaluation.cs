using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tasks.TokenClassification;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Reads gold and predicted tags (vectors of keys, one per word) from a scored view and scores them with seqeval's
/// default rules (<see cref="EntityEvaluator"/>). Each column's keys are named by its own key values, so a model whose
/// tag set differs from the data's is still compared tag by tag.
/// </summary>
internal static class EntityEvaluation
{
    public static EntityMetrics Evaluate(IDataView data, string labelColumn, string predictedLabelColumn)
    {
        var gold = WordLabelColumn.Require(data.Schema, labelColumn);
        var predicted = WordLabelColumn.Require(data.Schema, predictedLabelColumn);
        var goldRows = new List<IReadOnlyList<string>>();
        var predictedRows = new List<IReadOnlyList<string>>();
        var goldColumn = data.Schema[labelColumn];
        var predictedColumn = data.Schema[predictedLabelColumn];
        using var cursor = data.GetRowCursor([goldColumn, predictedColumn]);
        var readGold = cursor.GetGetter<VBuffer<uint>>(goldColumn);
        var readPredicted = cursor.GetGetter<VBuffer<uint>>(predictedColumn);
        VBuffer<uint> g = default, p = default;
        long row = 0;
        while (cursor.MoveNext())
        {
            row++;
            readGold(ref g);
            readPredicted(ref p);
            goldRows.Add(Names(g, gold, labelColumn, row));
            predictedRows.Add(Names(p, predicted, predictedLabelColumn, row));
            if (goldRows[^1].Count != predictedRows[^1].Count)
                throw new InvalidDataException(
                    $"Row {row}: '{labelColumn}' has {goldRows[^1].Count} tags but '{predictedLabelColumn}' has {predictedRows[^1].Count}; both need one per word.");
        }
        return EntityEvaluator.Evaluate(goldRows, predictedRows);
    }

    private static string[] Names(VBuffer<uint> keys, LabelKeyValues values, string column, long row) =>
        [.. keys.DenseValues().Select((k, word) => k >= 1 && k <= values.Count ? values.Names[(int)k - 1]
            : throw new InvalidDataException($"Row {row}, word {word + 1}: '{column}' has key {k}, which names no tag (missing or out of range)."))];
}
