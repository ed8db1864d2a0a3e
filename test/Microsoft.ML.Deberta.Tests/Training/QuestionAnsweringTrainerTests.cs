using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;
using Microsoft.ML.Deberta.Tests.MLNet;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>
/// The QA trainer on the shared fine-tuning loop: SQuAD F1/EM validation each epoch, the best epoch kept, progress,
/// cancellation, bad windows refused before training. (Learning to a high held-out score: QuestionAnsweringLearningTests.)
/// </summary>
[TestClass]
public sealed class QuestionAnsweringTrainerTests
{
    public TestContext TestContext { get; set; } = null!;

    private static readonly DebertaTokenizerBase Tokenizer = DebertaTokenizerBase.FromFolder(DebertaTestData.V1TokenizerFolder);

    private static SequenceClassificationTrainingOptions Options(int epochs) => new()
    {
        BatchSize = 16, Epochs = epochs, LearningRate = 3e-3, WarmupRatio = 0.1, Seed = 5, ProgressInterval = 1,
    };

    private static IReadOnlyList<QuestionAnsweringTrainingFeature> Features(int rows) =>
        new QuestionAnsweringFeatureBuilder(Tokenizer).Build(YelpQuestions.Rows(heldOut: false).Take(rows).ToList(),
            new QuestionAnsweringTrainingOptions { MaxSeqLength = 64 }).Features;

    [TestMethod]
    public void ValidationScoresSquadF1EachEpochAndTheModelKeepsTheBestEpoch()
    {
        var heldOut = YelpQuestions.Rows(heldOut: true).Take(40).ToList();
        var decoding = new QuestionAnsweringOptions { MaxSeqLength = 64 };
        var validation = new QuestionAnsweringValidationSet(new QuestionAnsweringDecoder(Tokenizer), heldOut, decoding);
        using var model = new DebertaForQuestionAnswering(DebertaTestData.SmallConfig(hidden: 32, layers: 1, heads: 2), seed: 3);
        var lines = new List<string>();
        var reports = new List<TrainingProgress>();
        var result = new QuestionAnsweringTrainer(Options(epochs: 3))
            .Train(model, Features(160), validation, new SynchronousProgress<TrainingProgress>(reports.Add), lines.Add);
        foreach (var line in lines) TestContext.WriteLine(line);

        Assert.HasCount(3, result.Epochs);
        Assert.IsTrue(result.Epochs.All(e => e.ValidationMetricName == "F1" && e.ValidationMetric is >= 0 and <= 100));
        StringAssert.Contains(lines[0], "validation F1");
        StringAssert.Contains(lines[0], "exact match");
        Assert.AreEqual(reports[^1].TotalSteps, reports[^1].Step, "progress reached the last step");
        // The model holds the best epoch's weights: answering the held-out rows again gives that epoch's F1.
        double again = validation.Evaluate(model, 8, CancellationToken.None).Overall.F1;
        Assert.AreEqual(result.Epochs.Max(e => e.ValidationMetric!.Value), again, 1e-9);
        Assert.AreEqual(result.Epochs[result.BestEpoch - 1].ValidationMetric!.Value, again, 1e-9);
    }

    [TestMethod]
    public void CancellationStopsTheRun()
    {
        using var model = new DebertaForQuestionAnswering(DebertaTestData.SmallConfig(), seed: 3);
        using var cancellation = new CancellationTokenSource();
        var progress = new SynchronousProgress<TrainingProgress>(_ => cancellation.Cancel());
        Assert.ThrowsExactly<OperationCanceledException>(() =>
            new QuestionAnsweringTrainer(Options(epochs: 2)).Train(model, Features(64), progress: progress, cancellationToken: cancellation.Token));
    }

    [TestMethod]
    public void AWindowTooLongForTheModelIsRefusedBeforeTraining()
    {
        var config = DebertaTestData.SmallConfig();
        config.PositionBiasedInput = true;
        config.MaxPositionEmbeddings = 16;
        using var model = new DebertaForQuestionAnswering(config, seed: 3);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new QuestionAnsweringTrainer(Options(epochs: 1)).Train(model, Features(8)));
        StringAssert.Contains(e.Message, "max_position_embeddings 16");
        Assert.ThrowsExactly<ArgumentException>(() => new QuestionAnsweringTrainer(Options(epochs: 1)).Train(model, []));
    }
}
