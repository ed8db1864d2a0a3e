using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.AutoML;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tests.MLNet;

namespace Microsoft.ML.Deberta.Tests.AutoML;

/// <summary>The generated consumption project builds, and its <c>Predict</c>/<c>PredictAllLabels</c> give the best model's answers.</summary>
[TestClass]
public sealed class GeneratedCodeTests
{
    public TestContext TestContext { get; set; } = null!;

    private static readonly string[] Sentences = ["Great food and friendly staff.", "Awful. Never again.", "It was fine."];

    [TestMethod]
    [Timeout(900_000, CooperativeCancellation = true)]
    public async Task TheGeneratedProjectBuildsAndPredictsWhatTheBestModelPredicts()
    {
        var mlContext = new MLContext(1);
        var data = AutoMLTestData.Yelp(mlContext, 80);
        using var result = await AutoMLTestData.Experiment(mlContext, 80).SetMaxTrials(1).RunAsync(TestContext.CancellationToken);
        using var folder = new TemporaryDirectory();
        DebertaModelIO.Save(mlContext, result.BestModel, result.InputSchema, folder.File("model.zip"));
        var project = ConsumptionCodeGenerator.Write(result, folder.File("Code"), new GeneratedCodeOptions
        {
            ModelName = "SentimentModel", Namespace = "Sentiment.ConsoleApp", LibraryProjectPath = RepositoryPaths.LibraryProject(),
        });
        var consumption = File.ReadAllText(folder.File("Code/SentimentModel.consumption.cs"));
        StringAssert.Contains(consumption, "public class ModelInput");
        StringAssert.Contains(consumption, "[ColumnName(@\"Sentiment\")]");
        StringAssert.Contains(consumption, "PredictAllLabels");
        StringAssert.Contains(File.ReadAllText(folder.File("Code/SentimentModel.training.cs")), "ScratchModelSizes.Config(@\"scratch-tiny\", 50262)");

        var build = ChildProcess.RunDotnet(["build", project, "-c", "Release", "-nologo", "-v", "q", "-o", folder.File("bin")], TimeSpan.FromMinutes(8));
        Assert.AreEqual(0, build.ExitCode, build.Output);
        var run = ChildProcess.RunDotnet([folder.File("bin/SentimentModel.dll"), .. Sentences], TimeSpan.FromMinutes(8));
        TestContext.WriteLine(run.Output);
        Assert.AreEqual(0, run.ExitCode, run.Output);

        // The same sentences through the experiment's model in this process.
        var rows = Sentences.Select(s => new SentimentRow { Text = s, Sentiment = "positive" }).ToList();
        var scored = result.BestModel.Transform(mlContext.Data.LoadFromEnumerable(rows));
        var labels = scored.GetColumn<string>("PredictedLabel").ToList();
        var scores = scored.GetColumn<float[]>("Score").ToList();
        var lines = run.Output.Split('\n').Where(l => l.Contains(" => ")).ToList();
        Assert.HasCount(3, lines);
        for (int i = 0; i < 3; i++)
        {
            var (label, probabilities) = Parse(lines[i]);
            Assert.AreEqual(labels[i], label, lines[i]);
            var names = result.BestEvaluation.ClassNames!;
            for (int c = 0; c < names.Count; c++)
                Assert.AreEqual(scores[i][c], probabilities[names[c]], 1e-6f, $"{lines[i]}: class {names[c]}");
        }
    }

    private static (string Label, Dictionary<string, float> Probabilities) Parse(string line)
    {
        var answer = line[(line.IndexOf(" => ", StringComparison.Ordinal) + 4)..].Trim();
        var parts = answer.Split(" | ");
        var probabilities = parts[1].Split(' ').Select(p => p.Split('='))
            .ToDictionary(p => p[0], p => float.Parse(p[1], CultureInfo.InvariantCulture));
        return (parts[0], probabilities);
    }
}
