namespace Microsoft.ML.Deberta.Training;

/// <summary>What one optimizer step used and saw.</summary>
/// <param name="LearningRate">The learning rate of the step.</param>
/// <param name="GradientNorm">The global gradient norm before clipping.</param>
internal readonly record struct OptimizerStepResult(double LearningRate, double GradientNorm);
