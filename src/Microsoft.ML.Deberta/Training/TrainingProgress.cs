namespace Microsoft.ML.Deberta;

/// <summary>A progress report of a fine-tuning run.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="Step">Optimizer steps taken so far in the run.</param>
/// <param name="TotalSteps">Optimizer steps planned for the run.</param>
/// <param name="Loss">Mean training loss since the previous report.</param>
/// <param name="LearningRate">The learning rate of the last step.</param>
/// <param name="ValidationMetricName">Name of the validation metric, when one was computed at this report.</param>
/// <param name="ValidationMetric">The validation metric, when computed at this report (end of an epoch).</param>
/// <param name="Elapsed">Time since training started.</param>
/// <param name="EstimatedRemaining">Estimated time to the end of the run.</param>
public sealed record TrainingProgress(
    int Epoch, int Epochs, int Step, int TotalSteps, double Loss, double LearningRate,
    string? ValidationMetricName, double? ValidationMetric, TimeSpan Elapsed, TimeSpan EstimatedRemaining)
{
    /// <summary>
    /// When the run resumed from a training checkpoint (<see cref="DebertaFineTuningOptions.CheckpointFolder"/>):
    /// the step the checkpoint was taken after; null for a run that started afresh. <see cref="Elapsed"/> counts from
    /// the resume.
    /// </summary>
    public int? ResumedFromStep { get; init; }
}
