using System.Security.Cryptography;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tests.MLNet.QuestionAnswering;
using Microsoft.ML.Deberta.Tests.MLNet.TokenClassification;
using static Microsoft.ML.Deberta.Tests.MLNet.ResumableFit;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// <see cref="DebertaFineTuningOptions.CheckpointFolder"/> through NER, question answering and masked-LM training: a
/// <c>Fit</c> cancelled mid-epoch 2, after epoch 1's validation for QA and masked LM (so the best epoch's weights are
/// in the checkpoint), resumes to the model an uninterrupted <c>Fit</c> gives (<see cref="ResumableFit"/>). Every run is 2 epochs of 6
/// steps or more, checkpointed every 10 steps (and at epoch ends) and cancelled at step 10, reported and checkpointed.
/// </summary>
[TestClass]
public sealed class ResumableTaskFitTests
{
    [TestMethod]
    public void ANerFitCancelledMidEpochResumesToTheUninterruptedModel()
    {
        var mlContext = new MLContext(seed: 1);
        var all = mlContext.Data.LoadFromConllFile(NerData.YelpConll);
        var tags = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(all);
        var train = tags.Transform(mlContext.Data.TakeRows(all, 12));
        var heldOut = tags.Transform(mlContext.Data.TakeRows(mlContext.Data.SkipRows(all, 12), 6));
        // No validation set: the entity F1 of 6 rows stays flat, so epoch 1 would be the best and its weights (saved
        // before the cancel) restored at the end, hiding whether the resumed steps were the same.
        AssertResumesToTheUninterruptedModel(run => mlContext.Transforms.Deberta.TokenClassification(run.On(new TokenClassificationOptions
            {
                Config = DebertaTestData.SmallConfig(hidden: 32, layers: 1, heads: 2), TokenizerFolder = DebertaTestData.V1TokenizerFolder,
                MaxLength = 32, Stride = 8, BatchSize = 2, Epochs = 2, LearningRate = 5e-3, Seed = 5,
            }, checkpointEverySteps: 10)).Fit(train),
            model => [.. mlContext.Data.CreateEnumerable<NerData.NerPrediction>(model.Transform(heldOut), reuseRowObject: false).Select(p =>
                $"{string.Join(",", p.PredictedLabel)} | {Bits(p.Score)} | {string.Join(",", p.EntityGroup)} | {string.Join(",", p.EntityText)} | " +
                $"{string.Join(",", p.EntityStart)} | {string.Join(",", p.EntityEnd)} | {Bits(p.EntityScore)}")],
            cancelAtStep: 10);
    }

    [TestMethod]
    public void AQuestionAnsweringFitCancelledMidEpochResumesToTheUninterruptedModel()
    {
        var mlContext = new MLContext(seed: 1);
        var train = mlContext.Data.LoadFromEnumerable(QuestionAnsweringPersistenceTests.Inputs(heldOut: false, 12));
        var validation = mlContext.Data.LoadFromEnumerable(QuestionAnsweringPersistenceTests.Inputs(heldOut: true, 6));
        AssertResumesToTheUninterruptedModel(run => mlContext.Transforms.Deberta.QuestionAnswering(run.On(new DebertaQuestionAnsweringOptions
            {
                Config = DebertaTestData.SmallConfig(), TokenizerFolder = DebertaTestData.V1TokenizerFolder, MaxSeqLength = 48, DocStride = 16,
                BatchSize = 2, Epochs = 2, LearningRate = 1e-3, Seed = 5, TopK = 2, ValidationSet = validation,
            }, checkpointEverySteps: 10)).Fit(train),
            model => [.. mlContext.Data.CreateEnumerable<QaPrediction>(model.Transform(validation), reuseRowObject: false).Select(p =>
                $"{string.Join("|", p.Answer)} | {Bits(p.Score)} | {string.Join(",", p.Start)} | {string.Join(",", p.End)}")],
            cancelAtStep: 10);
    }

    [TestMethod]
    public void AMaskedLanguageModelingFitCancelledMidEpochResumesToTheUninterruptedWeights()
    {
        var mlContext = new MLContext(seed: 1);
        var (train, heldOut) = MaskedLanguageModelingData.Yelp(mlContext, trainCount: 40, heldOutCount: 10);
        using var output = new TemporaryDirectory();
        AssertResumesToTheUninterruptedModel(run => mlContext.Transforms.Deberta.MaskedLanguageModeling(run.On(new MaskedLanguageModelingOptions
            {
                Config = DebertaTestData.SmallConfig(hidden: 32, layers: 1, heads: 2), TokenizerFolder = DebertaTestData.V1TokenizerFolder,
                OutputFolder = output.Path, MaxLength = 32, BatchSize = 2, Epochs = 2, LearningRate = 2e-3, Seed = 3, ValidationSet = heldOut,
            }, checkpointEverySteps: 10)).Fit(train),
            SavedModel,
            cancelAtStep: 10);
    }

    /// <summary>
    /// The trained masked LM is the folder written (a cancelled <c>Fit</c> writes nothing), read before the next
    /// <c>Fit</c> overwrites it: its weights' hash and the epochs' losses and perplexities.
    /// </summary>
    private static string[] SavedModel(MaskedLanguageModelingResult result)
    {
        // Epoch 1's weights, saved before the cancel, would not show whether the resumed steps were the same.
        Assert.AreEqual(2, result.BestEpoch, "the saved weights are epoch 2's");
        return [Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(result.ModelFolder, "model.safetensors")))),
            .. result.Epochs.Select(e => $"{e.Epoch}: loss {BitConverter.DoubleToInt64Bits(e.TrainingLoss)}, " +
                $"perplexity {BitConverter.DoubleToInt64Bits(e.ValidationMetric!.Value)}")];
    }
}
