using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta;
using Microsoft.ML.Deberta.AutoML;

namespace Microsoft.ML.Deberta.Samples.AutoML;

/// <summary>
/// One run of the sample: load the data, sweep, print the leaderboard and test metrics, save <c>model.zip</c>, and score
/// three examples from the saved file.
/// </summary>
internal sealed class SampleRun(SampleArguments a, MLContext mlContext)
{
    private static readonly string[] ExampleSentences =
    [
        "The food was delicious and the staff were friendly.",
        "Terrible service, cold food, and we waited an hour.",
        "I would come back here again.",
    ];

    private string DataFolder => Path.Combine(AppContext.BaseDirectory, "Data");

    public int Execute(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var datasetPath = a.Dataset ?? Path.Combine(DataFolder, "yelp_labelled.txt");
        var layout = TabularDataset.Describe(datasetPath, a.HasHeader, a.Task == TextAutoMLTask.Regression ? a.LabelColumn : null);
        string label = layout.Resolve(a.LabelColumn, "label"), text = layout.Resolve(a.TextColumn, "text");
        string? pair = a.TextPairColumn is null ? null : layout.Resolve(a.TextPairColumn, "text pair");
        var all = layout.Load(mlContext, datasetPath);

        // The default run holds out 20% of Yelp as its test set; a verb run tests on --test-dataset only.
        IDataView train = all;
        IDataView? heldOut = null;
        if (a.IsDefaultRun)
        {
            var split = mlContext.Data.TrainTestSplit(all, 0.2, seed: a.Seed);
            (train, heldOut) = (split.TrainSet, split.TestSet);
        }
        var metric = a.Metric ?? MetricRules.Default(a.Task);
        var experiment = new TextAutoMLExperiment(mlContext, a.Seed)
            .SetColumns(label, text, pair).SetTask(a.Task).SetMetric(metric).SetTuner(a.Tuner)
            .SetSearchSpace(SearchSpace(), a.TokenizerFolder ?? Path.Combine(DataFolder, "tokenizer"))
            .SetTrainingTimeInSeconds(a.TrainTimeSeconds);
        experiment = a.ValidationDataset is null ? experiment.SetDataset(train, 0.2) : experiment.SetDataset(train, layout.Load(mlContext, a.ValidationDataset));
        if (a.MaxTrials is int max) experiment.SetMaxTrials(max);
        if (a.Checkpoint is not null) experiment.SetCheckpoint(a.Checkpoint);
        if (a.Pruning) experiment.SetPruner(new SuccessiveHalvingPruner(reductionFactor: 3, minEpochs: 1));
        var console = new ExperimentConsole(metric, a.TrainTimeSeconds);
        experiment.SetMonitor(console);

        Console.WriteLine($"Sweeping DeBERTa {a.Task} on {Path.GetFileName(datasetPath)} for {a.TrainTimeSeconds:0} s " +
            $"(label '{label}', text '{text}'{(pair is null ? "" : $", pair '{pair}'")}; tuner {a.Tuner}, metric {metric}).");
        using var result = console.Show(() => experiment.RunAsync(cancellationToken));

        Leaderboard.Print(result);
        foreach (var warning in result.Warnings.Distinct())
            Console.WriteLine($"note: {warning}");
        if (heldOut is not null)
            PrintTest(a.TestDataset is null ? "test" : "held-out test", result.Evaluate(heldOut), a.Task);
        if (a.TestDataset is not null)
            PrintTest("test", result.Evaluate(layout.Load(mlContext, a.TestDataset)), a.Task);

        Directory.CreateDirectory(a.Output);
        var modelPath = Path.GetFullPath(Path.Combine(a.Output, "model.zip"));
        DebertaModelIO.Save(mlContext, result.BestModel, train.Schema, modelPath);
        Console.WriteLine($"Saved the best model (trial {result.BestTrial.Id}) to {modelPath}.");
        var reportPath = Path.GetFullPath(Path.Combine(a.Output, "report.html"));
        ExperimentReport.Write(result, reportPath, $"DeBERTa AutoML: {Path.GetFileName(datasetPath)}");
        Console.WriteLine($"Wrote the report (leaderboard, learning curves, plots) to {reportPath}.");
        var project = ConsumptionCodeGenerator.Write(result, Path.Combine(a.Output, "Code"), new GeneratedCodeOptions { ModelName = "DebertaModel" });
        Console.WriteLine($"Wrote the consumption and training code (Model Builder style) to {Path.GetFullPath(project)}.");

        var examples = a.IsDefaultRun ? ExampleSentences : [.. all.GetColumn<string>(text).Take(3)];
        new SavedModelScorer(mlContext, layout, text, pair).Print(modelPath, examples, a.Output);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done in {clock.Elapsed.TotalSeconds:0} s."));
        return 0;
    }

    private HyperparameterSpace SearchSpace()
    {
        var scratch = a.Models.Where(ScratchModelSizes.IsSize).ToArray();
        var folders = a.Models.Where(m => !ScratchModelSizes.IsSize(m)).Select(Path.GetFullPath).ToArray();
        foreach (var folder in folders)
            if (!Directory.Exists(folder))
                throw new DirectoryNotFoundException($"--model '{folder}' is neither a from-scratch size ({string.Join(", ", ScratchModelSizes.All)}) nor a folder.");
        if (folders.Length == 0)
            return DebertaSearchSpaces.FromScratch(scratch);
        var space = DebertaSearchSpaces.FineTuning(folders);
        return scratch.Length == 0 ? space : space.With(new ChoiceDimension("Model", [.. scratch, .. folders]));
    }

    private static void PrintTest(string what, ValidationEvaluation evaluation, TextAutoMLTask task)
    {
        foreach (var m in MetricRules.For(task))
            if (evaluation.Metrics.TryGetValue(m, out var v))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what} {Leaderboard.MetricName(m)}: {v:0.0000}"));
    }
}
