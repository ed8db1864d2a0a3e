using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Deberta;
using Microsoft.ML.Deberta.Tests.FakeModel;

[assembly: InternalsVisibleTo("Microsoft.ML.Deberta.Tests")]

// Child process of the fresh-process round trip:
//   predict <model.zip> <rows.tsv> <output.txt>
// loads the model with DebertaModelIO (fake payload loader), scores the rows, and writes
//   one line per row (Score bits, PredictedLabelValue), then "engine:<line>" for a PredictionEngine on row 1,
//   then "plain-load:<exception type>:<message>" for what using the same file loaded with plain mlContext.Model.Load throws.
//   predict-builtin <model.zip> <rows.tsv> <output.txt> <column>...
// does the same with the library's own loaders (real DeBERTa steps) and the given output columns, and no
// PredictionEngine line.
//   predict-qa <model.zip> <rows.tsv> <output.txt>
// answers question<TAB>context rows with a saved question-answering step (QuestionAnsweringModel).
//   train-resumable <checkpoint folder | -> <output.txt> <step delay ms>
// runs the resumable-training kill test's fine-tuning (ResumableTrainingRun).
if (args.Length == 4 && args[0] == "train-resumable")
    return ResumableTrainingRun.Run(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
//   serve <model.zip> <rows.tsv> <output.txt> <column>...
// loads the model as a serving app does (default runtime), scores the rows (a TSV with a header naming its text
// columns), writes the given output columns, then the libtorch libraries the process has mapped (ServingModel; Linux only).
if (args.Length >= 5 && args[0] == "serve")
    return ServingModel.Serve(args[1], args[2], args[3], args[4..]);
if (args.Length == 4 && args[0] == "predict-qa")
    return QuestionAnsweringModel.Predict(args[1], args[2], args[3]);
if (args.Length >= 5 && args[0] == "predict-builtin")
    return BuiltInModel.Predict(args[1], args[2], args[3], args[4..]);
if (args.Length != 4 || args[0] != "predict")
{
    Console.Error.WriteLine("usage: predict <model.zip> <rows.tsv> <output.txt> | predict-builtin <model.zip> <rows.tsv> <output.txt> <column>...");
    return 2;
}
var (modelPath, rowsPath, outputPath) = (args[1], args[2], args[3]);
var mlContext = new MLContext(seed: 1);
var rows = TextRow.ReadTsv(rowsPath);
var data = mlContext.Data.LoadFromEnumerable(rows);
var output = new List<string>();

using (var model = (IDisposable)DebertaModelIO.Load(mlContext, modelPath, out _, FakeTextScorerLoader.All))
{
    var transformer = (ITransformer)model;
    output.AddRange(PredictionDump.Lines(transformer.Transform(data), "Score", "PredictedLabelValue"));
    var engine = mlContext.Model.CreatePredictionEngine<TextRow, TextPrediction>(transformer,
        new PredictionEngineOptions { OwnsTransformer = false });
    var p = engine.Predict(rows[0]);
    output.Add("engine:" + string.Join(",", p.Score.Select(f => BitConverter.SingleToInt32Bits(f).ToString("x8"))) + "\t" + p.PredictedLabelValue);
}

var plain = mlContext.Model.Load(modelPath, out _);
try
{
    plain.Transform(data);
    output.Add("plain-load:no error");
}
catch (Exception e)
{
    output.Add("plain-load:" + e.GetType().Name + ":" + e.Message.ReplaceLineEndings(" "));
}
File.WriteAllLines(outputPath, output);
return 0;
