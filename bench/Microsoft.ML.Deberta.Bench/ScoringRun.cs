using System.Diagnostics;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.Bench;

/// <summary>
/// What an ML.NET user sees: ApplyTextModel on a base-shape checkpoint folder (random weights, written once) with the
/// shape's tokenizer, over the Yelp sentences (mixed lengths; the scorer batches them sorted by length), rows/s through Transform.
/// </summary>
internal static class ScoringRun
{
    private const int BatchSize = 32, MaxLength = 256;

    public static void Measure(BenchOptions options, string modelName, DebertaConfig config)
    {
        DebertaComputeOptions.UseOneDnnForFloat32Products = false;
        string checkpoint = Path.Combine(options.Work, "checkpoints", modelName);
        if (!File.Exists(Path.Combine(checkpoint, "model.safetensors")))
        {
            using var model = new DebertaForSequenceClassification(config, seed: 1);
            model.SavePretrained(checkpoint);
        }
        string tokenizer = Path.Combine(AppContext.BaseDirectory, "Data", "tokenizer", modelName == "deberta-base" ? "deberta-v1" : "deberta-v3");
        var rows = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Data", "yelp_labelled.txt"))
            .Select(line => new Review { Text = line.Split('\t')[0] }).Take(options.ScoringRows).ToList();
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(rows);
        var warmUp = mlContext.Data.LoadFromEnumerable(rows.Take(BatchSize));
        using var scorer = mlContext.Transforms.Deberta
            .ApplyTextModel(checkpoint, "Text", maxLength: MaxLength, batchSize: BatchSize, tokenizerFolder: tokenizer).Fit(data);
        int Score(IDataView view) => scorer.Transform(view).GetColumn<float[]>("Score").Count();
        Score(warmUp);
        var clock = Stopwatch.StartNew();
        int scored = Score(data);
        Console.WriteLine($"scoring ml.net fp32 {modelName}: {scored / clock.Elapsed.TotalSeconds:F2} rows/s " +
            $"({scored} Yelp sentences, mixed lengths, batch {BatchSize}, max length {MaxLength})");
    }

    private sealed class Review
    {
        public string Text { get; set; } = "";
    }
}
