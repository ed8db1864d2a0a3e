namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// The trainers' options share <see cref="DebertaFineTuningOptions"/>: each task keeps its own recipe defaults, and one
/// check refuses a bad shared setting in every catalog method with the same message, naming the method and the field.
/// </summary>
[TestClass]
public sealed class FineTuningOptionsTests
{
    [TestMethod]
    public void EachTaskKeepsItsOwnRecipeDefaults()
    {
        static (int, int, double, double, double, double) Recipe(DebertaFineTuningOptions o) =>
            (o.BatchSize, o.Epochs, o.LearningRate, o.WarmupRatio, o.WeightDecay, o.MaxGradientNorm);

        Assert.AreEqual((16, 3, 3e-5, 0.1, 0.01, 1.0), Recipe(new TextClassificationOptions()));
        Assert.AreEqual((16, 3, 3e-5, 0.1, 0.01, 1.0), Recipe(new TextRegressionOptions()));
        Assert.AreEqual((12, 2, 3e-5, 0.1, 0.01, 1.0), Recipe(new DebertaQuestionAnsweringOptions()), "run_qa.py's batch 12 and 2 epochs");
        Assert.AreEqual((16, 3, 5e-5, 0.1, 0.01, 1.0), Recipe(new MaskedLanguageModelingOptions()), "run_mlm.py's learning rate 5e-5");
        Assert.AreEqual(32, new TextClassificationOptions().InferenceBatchSize);
        Assert.AreEqual(16, new DebertaQuestionAnsweringOptions().InferenceBatchSize);
        Assert.AreEqual(2, new DebertaQuestionAnsweringOptions { Epochs = 2 }.Epochs);
        Assert.AreEqual(7, new DebertaQuestionAnsweringOptions { BatchSize = 7 }.BatchSize, "an initializer overrides the task's default");
    }

    [TestMethod]
    public void ABadSharedSettingIsRefusedAlikeByEveryTrainer()
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
        var cases = new (Action<DebertaFineTuningOptions> Bad, string Field, string Message)[]
        {
            (o => o.BatchSize = 0, "BatchSize", "BatchSize must be at least 1."),
            (o => o.Epochs = 0, "Epochs", "Epochs must be at least 1."),
            (o => o.LearningRate = double.NaN, "LearningRate", "the learning rate must be a finite number > 0."),
            (o => o.WarmupRatio = 1.5, "WarmupRatio", "the warm-up ratio must lie in [0, 1]."),
            (o => o.WeightDecay = -1, "WeightDecay", "WeightDecay must be a finite number >= 0."),
            (o => o.MaxGradientNorm = double.PositiveInfinity, "MaxGradientNorm", "MaxGradientNorm must be a finite number >= 0."),
            (o => { o.CheckpointFolder = "checkpoints"; o.CheckpointEverySteps = 0; }, "CheckpointEverySteps", "CheckpointEverySteps must be at least 1"),
            (o => o.CheckpointEverySteps = -5, "CheckpointEverySteps", "CheckpointEverySteps must be at least 1"),
        };
        foreach (var (method, create) in creators)
        {
            foreach (var (bad, field, message) in cases)
            {
                var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => create(bad), $"{method} {field}");
                Assert.AreEqual(field, e.ParamName, $"{method} {field}");
                StringAssert.Contains(e.Message, $"{method}: {message}", $"{method} {field}");
            }
            var blank = Assert.ThrowsExactly<ArgumentException>(() => create(o => o.CheckpointFolder = " "), method);
            Assert.AreEqual("CheckpointFolder", blank.ParamName, method);
            StringAssert.Contains(blank.Message, $"{method}: CheckpointFolder is blank", method);
        }
    }

    [TestMethod]
    public void EarlyStoppingWithoutAValidationSetIsRefusedAlikeByEveryEstimator()
    {
        var deberta = new MLContext(seed: 1).Transforms.Deberta;
        var config = DebertaTestData.SmallConfig();
        var text = new TextClassificationOptions { Config = config, TokenizerFolder = DebertaTestData.V1TokenizerFolder, EarlyStoppingPatience = 2 };
        var qa = new DebertaQuestionAnsweringOptions { Config = config, TokenizerFolder = DebertaTestData.V1TokenizerFolder, EarlyStoppingPatience = 2 };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => deberta.TextClassification(text)).Message,
            "TextClassification: EarlyStoppingPatience needs a ValidationSet");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => deberta.QuestionAnswering(qa)).Message,
            "QuestionAnswering: EarlyStoppingPatience needs a ValidationSet");
        qa.EarlyStoppingPatience = 0;
        qa.InferenceBatchSize = 0;
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => deberta.QuestionAnswering(qa));
    }
}
