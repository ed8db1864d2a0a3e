using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta;

namespace Microsoft.ML.Deberta.Tests.FakeModel;

/// <summary>
/// The <c>predict-qa</c> command: load a zip holding a DeBERTa question-answering step in this fresh process, answer
/// the rows (<c>question&lt;TAB&gt;context</c>) with Transform and with a PredictionEngine, and write each row's
/// Answer, Score (as bits), Start and End, one line per row and way.
/// </summary>
internal static class QuestionAnsweringModel
{
    public sealed class Row
    {
        public string Question { get; set; } = "";

        public string Context { get; set; } = "";
    }

    public sealed class Prediction
    {
        public string[] Answer { get; set; } = [];

        public float[] Score { get; set; } = [];

        public int[] Start { get; set; } = [];

        public int[] End { get; set; } = [];
    }

    public static int Predict(string modelPath, string rowsPath, string outputPath)
    {
        var mlContext = new MLContext(seed: 1);
        var rows = File.ReadAllLines(rowsPath).Where(l => l.Length > 0).Select(l => l.Split('\t'))
            .Select(p => new Row { Question = p[0], Context = p[1] }).ToList();
        var model = DebertaModelIO.Load(mlContext, modelPath, out _);
        var output = new List<string>();
        try
        {
            foreach (var p in mlContext.Data.CreateEnumerable<Prediction>(model.Transform(mlContext.Data.LoadFromEnumerable(rows)), reuseRowObject: false))
                output.Add(Line(p));
            var engine = mlContext.Model.CreatePredictionEngine<Row, Prediction>(model, new PredictionEngineOptions { OwnsTransformer = false });
            output.AddRange(rows.Select(r => "engine:" + Line(engine.Predict(r))));
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
        File.WriteAllLines(outputPath, output);
        return 0;
    }

    /// <summary>One prediction as exact text: answers, score bits, starts, ends.</summary>
    public static string Line(Prediction p) => string.Join("\t",
        string.Join("|", p.Answer), string.Join(",", p.Score.Select(f => BitConverter.SingleToInt32Bits(f).ToString("x8", CultureInfo.InvariantCulture))),
        string.Join(",", p.Start), string.Join(",", p.End));
}
