namespace Microsoft.ML.Deberta.AutoML;

/// <summary>The metric a <see cref="TextAutoMLExperiment"/> optimises, computed on the validation rows.</summary>
public enum TextAutoMLMetric
{
    /// <summary>Fraction of rows classified right (maximised; classification).</summary>
    Accuracy,

    /// <summary>Mean per-class recall (maximised; classification).</summary>
    MacroAccuracy,

    /// <summary>Unweighted mean of the per-class F1 (maximised; classification).</summary>
    MacroF1,

    /// <summary>Area under the ROC curve of the positive class (maximised; binary classification only).</summary>
    AreaUnderRocCurve,

    /// <summary>Mean negative log of the true class's probability (minimised; classification).</summary>
    LogLoss,

    /// <summary>Root mean squared error (minimised; regression).</summary>
    RootMeanSquaredError,

    /// <summary>Mean absolute error (minimised; regression).</summary>
    MeanAbsoluteError,

    /// <summary>Coefficient of determination R² (maximised; regression).</summary>
    RSquared,
}
