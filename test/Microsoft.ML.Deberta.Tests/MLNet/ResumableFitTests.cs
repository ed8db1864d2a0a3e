using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Tests.Checkpoints;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// <see cref="DebertaFineTuningOptions.CheckpointFolder"/> through the ML.NET API: every trainer checks the
/// checkpoint settings when it is created, and a <c>Fit</c> cancelled after a checkpoint resumes (saying so in its
/// progress reports) to the model an uninterrupted <c>Fit</c> gives. The resume itself is tested in
/// <c>ResumableTrainingTests</c> (the loop every estimator shares).
/// </summary>
[TestClass]
public sealed class ResumableFitTests
{
    [TestMethod]
    public void BadCheckpointSettingsAreRefusedByEveryTrainer()
    {
        var deberta = new MLContext(seed: 1).Transforms.Deberta;
        T Start<T>(T o) where T : DebertaFineTuningOptions
        {
            o.Config = DebertaTestData.SmallConfig();
            o.TokenizerFolder = DebertaTestData.V1TokenizerFolder;
            return o;
        }
        var creators = new (string Method, Action<Action<DebertaFineTuningOptions>> Create)[]
        {
            ("TextClassification", bad => { var o = Start(new TextClassificationOptions()); bad(o); deberta.TextClassification(o); }),
            ("TextRegression", bad => { var o = Start(new TextRegressionOptions()); bad(o); deberta.TextRegression(o); }),
            ("QuestionAnswering", bad => { var o = Start(new DebertaQuestionAnsweringOptions()); bad(o); deberta.QuestionAnswering(o); }),
            ("TokenClassification", bad => { var o = Start(new TokenClassificationOptions()); bad(o); deberta.TokenClassification(o); }),
            ("MaskedLanguageModeling", bad => { var o = Start(new MaskedLanguageModelingOptions { OutputFolder = "unused" }); bad(o); deberta.MaskedLanguageModeling(o); }),
        };
        foreach (var (method, create) in creators)
        {
            foreach (var every in new[] { 0, -5 })
            {
                var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => create(o => { o.CheckpointFolder = "checkpoints"; o.CheckpointEverySteps = every; }), method);
                Assert.AreEqual("CheckpointEverySteps", e.ParamName, method);
                StringAssert.Contains(e.Message, $"{method}: CheckpointEverySteps must be at least 1", method);
            }
            var blank = Assert.ThrowsExactly<ArgumentException>(() => create(o => o.CheckpointFolder = ""), method);
            Assert.AreEqual("CheckpointFolder", blank.ParamName, method);
            StringAssert.Contains(blank.Message, $"{method}: CheckpointFolder is blank", method);
        }
    }

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
