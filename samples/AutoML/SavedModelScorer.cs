using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta;

namespace Microsoft.ML.Deberta.Samples.AutoML;

/// <summary>Loads the saved <c>model.zip</c> as a user would and scores example texts with it.</summary>
internal sealed class SavedModelScorer(MLContext mlContext, TabularDataset layout, string textColumn, string? pairColumn)
{
    public void Print(string modelPath, IReadOnlyList<string> texts, string scratchFolder)
    {
        var model = DebertaModelIO.Load(mlContext, modelPath, out _);
        // Rows in the dataset's own layout: the text where it belongs, every other column empty.
        var file = Path.Combine(scratchFolder, "examples.tmp");
        File.WriteAllLines(file, texts.Select(t => string.Join(layout.Separator, layout.ColumnNames.Select(c => c == textColumn || c == pairColumn ? Cell(t) : ""))));
        try
        {
            var scored = model.Transform(layout.Load(mlContext, file));
            bool classification = scored.Schema.GetColumnOrNull("PredictedLabel") is not null;
            Console.WriteLine($"Scoring {texts.Count} examples with {Path.GetFileName(modelPath)}:");
            using var cursor = scored.GetRowCursor(scored.Schema);
            var getScore = classification ? null : cursor.GetGetter<float>(scored.Schema["Score"]);
            var getProbabilities = classification ? cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]) : null;
            var getLabel = classification ? cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema["PredictedLabel"]) : null;
            int row = 0;
            while (cursor.MoveNext())
            {
                string answer;
                if (classification)
                {
                    ReadOnlyMemory<char> label = default;
                    VBuffer<float> p = default;
                    getLabel!(ref label);
                    getProbabilities!(ref p);
                    answer = string.Create(CultureInfo.InvariantCulture, $"{label} (probability {p.DenseValues().Max():0.00})");
                }
                else
                {
                    float value = 0;
                    getScore!(ref value);
                    answer = value.ToString("0.000", CultureInfo.InvariantCulture);
                }
                Console.WriteLine($"  \"{texts[row++]}\" -> {answer}");
            }
        }
        finally
        {
            (model as IDisposable)?.Dispose();
            File.Delete(file);
        }
    }

    private string Cell(string text)
    {
        text = text.Replace('\n', ' ').Replace('\r', ' ');
        return layout.Separator == ',' ? "\"" + text.Replace("\"", "\"\"") + "\"" : text.Replace('\t', ' ');
    }
}
