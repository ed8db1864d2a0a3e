using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>The validation metrics against hand-computed values (scikit-learn's definitions).</summary>
[TestClass]
public sealed class ValidationMetricsTests
{
    [TestMethod]
    public void MacroF1AveragesOverClassesSeenInTruthOrPredictions()
    {
        int[] truth = [0, 0, 1, 1, 2, 2];
        int[] predicted = [0, 1, 1, 1, 0, 3];
        // Class 0: TP 1, FP 1, FN 1 → 0.5; class 1: TP 2, FP 1, FN 0 → 0.8; class 2: TP 0, FN 2 → 0; class 3: FP 1 → 0.
        Assert.AreEqual((0.5 + 0.8 + 0 + 0) / 4, ValidationMetrics.MacroF1(truth, predicted), 1e-12);
        Assert.AreEqual(3.0 / 6, ValidationMetrics.Accuracy(truth, predicted), 1e-12);
        Assert.AreEqual(1.0, ValidationMetrics.MacroF1(truth, truth));
    }

    [TestMethod]
    public void RmseIsTheRootOfTheMeanSquaredError()
    {
        Assert.AreEqual(Math.Sqrt((1 + 4 + 0) / 3.0), ValidationMetrics.RootMeanSquaredError([1f, 2f, 3f], [0f, 0f, 3f]), 1e-12);
    }
}
