using System.Diagnostics;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.MLNet.QuestionAnswering;

/// <summary>
/// Real text: a small DeBERTa trained from scratch through the ML.NET API on the Yelp question task (Training/YelpQuestions,
/// built from TestData/sentiment by the rule in its README) answers the held-out questions far above chance, measured with
/// EvaluateQuestionAnswering (SQuAD exact match and F1).
/// </summary>
[TestClass]
public sealed class QuestionAnsweringLearningTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(900_000, CooperativeCancellation = true)]
    public void ASmallModelTrainedFromScratchAnswersHeldOutQuestions()
    {
        var mlContext = new MLContext(seed: 1);
        var train = QuestionAnsweringPersistenceTests.Inputs(heldOut: false, int.MaxValue);
        var heldOut = QuestionAnsweringPersistenceTests.Inputs(heldOut: true, int.MaxValue);
        var reports = new List<TrainingProgress>();
        var logs = new List<string>();
        mlContext.Log += (_, e) => { if (e.Message.Contains("QuestionAnswering:", StringComparison.Ordinal)) logs.Add(e.Message); };
        var clock = Stopwatch.StartNew();
        using var model = mlContext.Transforms.Deberta.QuestionAnswering(new DebertaQuestionAnsweringOptions
        {
            Config = DebertaTestData.SmallConfig(hidden: 64, layers: 2, heads: 2, dropout: 0), TokenizerFolder = DebertaTestData.V1TokenizerFolder,
            MaxSeqLength = 96, DocStride = 32, BatchSize = 16, Epochs = 4, LearningRate = 2e-3, WarmupRatio = 0.1, Seed = 5,
            Progress = new SynchronousProgress<TrainingProgress>(reports.Add),
        }).Fit(mlContext.Data.LoadFromEnumerable(train));
        var fitTime = clock.Elapsed;
        var metrics = mlContext.Deberta().EvaluateQuestionAnswering(model.Transform(mlContext.Data.LoadFromEnumerable(heldOut)));

        // Chance: a uniformly drawn word of the context is the answer with probability 1 / (its word count).
        double chance = 100 * heldOut.Average(r => 1.0 / r.Context.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        foreach (var line in logs) TestContext.WriteLine(line);
        string summary = $"yelp QA: {train.Count} training rows, {heldOut.Count} held out; exact match {metrics.Overall.ExactMatch:F1}, " +
            $"F1 {metrics.Overall.F1:F1} (chance exact match ≈ {chance:F1}); fit time {fitTime.TotalSeconds:F1} s";
        TestContext.WriteLine(summary);
        Console.WriteLine(summary);
        Assert.AreEqual(heldOut.Count, metrics.Overall.Total);
        Assert.IsGreaterThanOrEqualTo(50, metrics.Overall.ExactMatch, "far above chance");
        Assert.IsGreaterThanOrEqualTo(4 * chance, metrics.Overall.ExactMatch);
        Assert.IsGreaterThanOrEqualTo(metrics.Overall.ExactMatch, metrics.Overall.F1, "F1 gives partial credit, never less than exact match");
        Assert.AreEqual(reports[^1].TotalSteps, reports[^1].Step, "progress reached the last step");
    }
}
