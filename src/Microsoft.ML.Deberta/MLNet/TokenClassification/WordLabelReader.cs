using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Reads NER training rows (a text and one label key per whitespace-separated word) in one pass before training, and
/// rejects what cannot be trained on with the row and the fix: an empty text, a label count other than the word
/// count, a tag missing from the key set (key 0).
/// </summary>
internal static class WordLabelReader
{
    /// <summary>The texts and, per row, the 0-based label id of every word.</summary>
    /// <exception cref="InvalidDataException">A row cannot be trained on, or there are no rows.</exception>
    public static (string[] Texts, int[][] WordLabels) Read(IDataView data, string textColumn, string labelColumn, string what, CancellationToken cancellationToken)
    {
        var schema = data.Schema;
        var text = schema[ColumnRules.RequireText(schema, textColumn, "text")];
        var label = schema[labelColumn];
        var texts = new List<string>();
        var labels = new List<int[]>();
        using var cursor = data.GetRowCursor([text, label]);
        var readText = cursor.GetGetter<ReadOnlyMemory<char>>(text);
        var readLabel = cursor.GetGetter<VBuffer<uint>>(label);
        ReadOnlyMemory<char> value = default;
        VBuffer<uint> keys = default;
        long row = 0;
        while (cursor.MoveNext())
        {
            row++;
            if ((row & 1023) == 0)
                cancellationToken.ThrowIfCancellationRequested();
            readText(ref value);
            readLabel(ref keys);
            string s = value.ToString();
            var words = TextWords.Split(s).Words;
            if (words.Length == 0)
                throw new InvalidDataException(
                    $"Row {row} of the {what} has an empty text in column '{textColumn}': NER needs at least one word. Remove the row or give it its text.");
            var dense = keys.DenseValues().ToArray();
            if (dense.Length != words.Length)
                throw new InvalidDataException(
                    $"Row {row} of the {what} has {words.Length} words in '{textColumn}' but {dense.Length} labels in '{labelColumn}': " +
                    "give one tag per whitespace-separated word (split the text and the tags the same way).");
            int missing = Array.IndexOf(dense, 0u);
            if (missing >= 0)
                throw new InvalidDataException(
                    $"Row {row} of the {what}, word {missing + 1} ('{words[missing]}'): its tag in '{labelColumn}' is not in the label's key set (key 0, missing). " +
                    "Fit MapValueToKey on data that holds every tag (e.g. the training and validation data together), or fix the tag.");
            texts.Add(s);
            labels.Add([.. dense.Select(k => (int)k - 1)]);
        }
        if (texts.Count == 0)
            throw new InvalidDataException($"The {what} has no rows.");
        return ([.. texts], [.. labels]);
    }
}
