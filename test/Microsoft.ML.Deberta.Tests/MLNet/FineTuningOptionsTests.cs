namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// The trainers' options share <see cref="DebertaFineTuningOptions"/>: each task keeps its own recipe defaults.
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
}
