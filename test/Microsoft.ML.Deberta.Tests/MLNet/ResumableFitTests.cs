using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tests.Checkpoints;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// <see cref="DebertaFineTuningOptions.CheckpointFolder"/> through the ML.NET API: a <c>Fit</c> cancelled after a
/// checkpoint resumes (saying so in its progress reports) to the model an uninterrupted <c>Fit</c> gives. The resume
/// itself is tested in <c>ResumableTrainingTests</c> (the loop every estimator shares), the settings' checks in
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
        using var folder = new TemporaryDirectory();
        TextClassificationOptions Options(string? checkpoints, IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default) => new()
        {
            Config = DebertaTestData.SmallConfig(), TokenizerFolder = DebertaTestData.V1TokenizerFolder, MaxLength = 32,
            BatchSize = 4, Epochs = 2, LearningRate = 3e-3, Seed = 5,   // 3 steps an epoch
            CheckpointFolder = checkpoints, CheckpointEverySteps = 2, Progress = progress, CancellationToken = cancel,
        };
        string[] Scores(ITransformer model) =>
            [.. model.Transform(data).GetColumn<float[]>("Score").Select(s => string.Join(",", s.Select(BitConverter.SingleToInt32Bits)))];

        string[] expected;
        using (var uninterrupted = mlContext.Transforms.Deberta.TextClassification(Options(null)).Fit(data))
            expected = Scores(uninterrupted);
        using (var cancel = new CancellationTokenSource())
        {
            // Progress is reported at epoch ends here (every 10 steps otherwise): cancel at the end of epoch 1, which is saved.
            var cancelAfterEpoch1 = new SynchronousProgress<TrainingProgress>(p => { if (p.Step == 3) cancel.Cancel(); });
            Assert.Throws<OperationCanceledException>(() => mlContext.Transforms.Deberta.TextClassification(Options(folder.Path, cancelAfterEpoch1, cancel.Token)).Fit(data));
        }
        var reports = new List<TrainingProgress>();
        using var resumed = mlContext.Transforms.Deberta.TextClassification(Options(folder.Path, new SynchronousProgress<TrainingProgress>(reports.Add))).Fit(data);

        CollectionAssert.AreEqual(expected, Scores(resumed), "bit for bit");
        Assert.IsTrue(reports.Count > 0 && reports.All(r => r.ResumedFromStep == 3), string.Join("\n", reports));
    }
}
