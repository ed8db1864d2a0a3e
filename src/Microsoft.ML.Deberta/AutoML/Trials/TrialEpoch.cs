namespace Microsoft.ML.Deberta.AutoML;

/// <summary>One epoch of a trial, for learning curves.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainingLoss">Mean training loss over the epoch's steps.</param>
/// <param name="ValidationMetricName">The trainer's own validation metric (macro-F1 or RMSE), when computed.</param>
/// <param name="ValidationMetric">Its value after the epoch.</param>
/// <param name="Elapsed">Time since the trial started.</param>
public sealed record TrialEpoch(int Epoch, double TrainingLoss, string? ValidationMetricName, double? ValidationMetric, TimeSpan Elapsed);
