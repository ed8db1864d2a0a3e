using Microsoft.ML.Deberta.AutoML;
using Microsoft.ML.Deberta.Tests.MLNet;

namespace Microsoft.ML.Deberta.Tests.AutoML;

/// <summary>Arguments and data that cannot work fail before the first trial, with a message naming what and how to fix it.</summary>
[TestClass]
public sealed class ExperimentBadInputTests
{
    public TestContext TestContext { get; set; } = null!;

    private async Task<Exception> FailsBeforeAnyTrial(Func<TextAutoMLExperiment, TextAutoMLExperiment> change)
    {
        var events = new List<ExperimentEvent>();
        var experiment = change(AutoMLTestData.Experiment(new MLContext(1), 40).SetMaxTrials(2)
            .SetMonitor(new SynchronousProgress<ExperimentEvent>(events.Add)));
        var e = await Assert.ThrowsAsync<Exception>(() => experiment.RunAsync(TestContext.CancellationToken));
        Assert.IsEmpty(events, "no trial may start");
        return e;
    }

    [TestMethod]
    public async Task AMetricThatDoesNotFitTheTask()
    {
        var e = await FailsBeforeAnyTrial(x => x.SetMetric(TextAutoMLMetric.RootMeanSquaredError));
        Assert.IsInstanceOfType<ArgumentException>(e);
        StringAssert.Contains(e.Message, "RootMeanSquaredError does not fit the task BinaryClassification");
        StringAssert.Contains(e.Message, "AreaUnderRocCurve");
        e = await FailsBeforeAnyTrial(x => x.SetTask(TextAutoMLTask.MulticlassClassification).SetMetric(TextAutoMLMetric.AreaUnderRocCurve));
        StringAssert.Contains(e.Message, "AreaUnderRocCurve does not fit the task MulticlassClassification");
    }

    [TestMethod]
    public async Task AMissingColumnIsNamedWithTheColumnsThereAre()
    {
        var e = await FailsBeforeAnyTrial(x => x.SetColumns(labelColumn: "Stars", textColumn: "Text"));
        StringAssert.Contains(e.Message, "'Stars' was not found in the training data");
        StringAssert.Contains(e.Message, "Sentiment");
        e = await FailsBeforeAnyTrial(x => x.SetColumns(labelColumn: "Sentiment", textColumn: "Review"));
        StringAssert.Contains(e.Message, "'Review'");
        e = await FailsBeforeAnyTrial(x => x.SetColumns(labelColumn: "Positive", textColumn: "Text").SetTask(TextAutoMLTask.Regression));
        StringAssert.Contains(e.Message, "Regression needs a numeric label");
    }

    [TestMethod]
    public async Task ALabelThatDoesNotFitTheTask()
    {
        var e = await FailsBeforeAnyTrial(x => x.SetColumns(labelColumn: "Text", textColumn: "Text"));
        StringAssert.Contains(e.Message, "exactly 2 values");
        e = await FailsBeforeAnyTrial(x => x.SetTask(TextAutoMLTask.TextPairClassification));
        StringAssert.Contains(e.Message, "second text column");
    }

    [TestMethod]
    public async Task NoBudgetNoTokenizerOrNoData()
    {
        var mlContext = new MLContext(1);
        var noBudget = new TextAutoMLExperiment(mlContext).SetDataset(AutoMLTestData.Yelp(mlContext, 20));
        StringAssert.Contains((await Assert.ThrowsAsync<InvalidOperationException>(() => noBudget.RunAsync())).Message, "Set a budget");
        var noTokenizer = new TextAutoMLExperiment(mlContext).SetDataset(AutoMLTestData.Yelp(mlContext, 20)).SetColumns("Sentiment", "Text").SetMaxTrials(1);
        StringAssert.Contains((await Assert.ThrowsAsync<ArgumentException>(() => noTokenizer.RunAsync())).Message, "needs a tokenizer");
        StringAssert.Contains((await Assert.ThrowsAsync<InvalidOperationException>(() => new TextAutoMLExperiment(mlContext).SetMaxTrials(1).RunAsync())).Message, "SetDataset");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TextAutoMLExperiment(mlContext).SetTrainingTimeInSeconds(0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TextAutoMLExperiment(mlContext).SetDataset(AutoMLTestData.Yelp(mlContext, 20), 1.0));
    }
}
