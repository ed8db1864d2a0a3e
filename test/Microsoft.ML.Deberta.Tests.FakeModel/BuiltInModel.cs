using Microsoft.ML;
using Microsoft.ML.Deberta;

namespace Microsoft.ML.Deberta.Tests.FakeModel;

/// <summary>The <c>predict-builtin</c> command: load a zip holding real DeBERTa steps in this fresh process and dump predictions.</summary>
internal static class BuiltInModel
{
    public static int Predict(string modelPath, string rowsPath, string outputPath, string[] columns)
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(TextRow.ReadTsv(rowsPath));
        var output = new List<string>();
        var model = DebertaModelIO.Load(mlContext, modelPath, out _);
        try
        {
            output.AddRange(PredictionDump.Lines(model.Transform(data), columns));
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
        var plain = mlContext.Model.Load(modelPath, out _);
        try
        {
            plain.Transform(data);
            output.Add("plain-load:no error");
        }
        catch (Exception e)
        {
            output.Add("plain-load:" + e.Message.ReplaceLineEndings(" "));
        }
        File.WriteAllLines(outputPath, output);
        return 0;
    }
}
