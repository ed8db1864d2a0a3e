namespace Microsoft.ML.Deberta;

/// <summary>What one epoch of fine-tuning achieved.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainingLoss">Mean training loss over the epoch.</param>
/// <param name="ValidationMetricName">The validation metric's name, when a validation set was given.</param>
/// <param name="ValidationMetric">The validation metric, when a validation set was given.</param>
/// <param name="Duration">Wall-clock time of the epoch including validation.</param>
public sealed record EpochSummary(int Epoch, double TrainingLoss, string? ValidationMetricName, double? ValidationMetric, TimeSpan Duration);
