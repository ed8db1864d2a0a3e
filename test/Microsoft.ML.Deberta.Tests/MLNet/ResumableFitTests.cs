using Microsoft.ML.Data;
using static Microsoft.ML.Deberta.Tests.MLNet.ResumableFit;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// <see cref="DebertaFineTuningOptions.CheckpointFolder"/> through the ML.NET text trainers: a <c>Fit</c> cancelled
/// after a checkpoint resumes (saying so in its progress reports) to the model an uninterrupted <c>Fit</c> gives
/// (<see cref="ResumableFit"/>). The resume itself is tested in <c>ResumableTrainingTests</c> (the loop every
/// estimator shares), the other trainers in <c>ResumableTaskFitTests</c>, the settings' checks in
/// <c>FineTuningOptionsTests</c>.
/// </summary>
[TestClass]
public sealed class ResumableFitTests
{
    [TestMethod]
    public void AFitCancelledAfterACheckpointResumesToTheUninterruptedModel()
    {
        var mlContext = new MLContext(seed: 1);
        var raw = TestRows.View(mlContext, 12);
        var data = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(raw);
        // 3 steps an epoch; progress is reported at epoch ends here (every 10 steps otherwise): cancelled at the end of epoch 1, which is saved.
        AssertResumesToTheUninterruptedModel(run => mlContext.Transforms.Deberta.TextClassification(run.On(new TextClassificationOptions
            {
                Config = DebertaTestData.SmallConfig(), TokenizerFolder = DebertaTestData.V1TokenizerFolder, MaxLength = 32,
                BatchSize = 4, Epochs = 2, LearningRate = 3e-3, Seed = 5,
            }, checkpointEverySteps: 2)).Fit(data),
            model => [.. model.Transform(data).GetColumn<float[]>("Score").Select(Bits)],
            cancelAtStep: 3);
    }

    [TestMethod]
    public void ASentencePairRegressionFitCancelledMidEpochResumesToTheUninterruptedModel()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestRows.View(mlContext, 12);
        var validation = TestRows.View(mlContext, 6, seed: 8);
        // 6 steps an epoch: cancelled at step 10 (reported, and checkpointed every 10 steps), mid-epoch 2, after epoch 1's validation.
        AssertResumesToTheUninterruptedModel(run => mlContext.Transforms.Deberta.TextRegression(run.On(new TextRegressionOptions
            {
                Config = DebertaTestData.SmallConfig(), TokenizerFolder = DebertaTestData.V1TokenizerFolder, MaxLength = 32,
                TextPairColumnName = nameof(TestRow.Second), LabelColumnName = nameof(TestRow.Value), ValidationSet = validation,
                BatchSize = 2, Epochs = 2, LearningRate = 3e-3, Seed = 5,
            }, checkpointEverySteps: 10)).Fit(data),
            model => [.. model.Transform(validation).GetColumn<float>("Score").Select(s => Bits([s]))],
            cancelAtStep: 10);
    }
}
