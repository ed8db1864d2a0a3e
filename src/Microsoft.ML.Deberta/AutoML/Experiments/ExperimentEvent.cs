using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>One report of a running <see cref="TextAutoMLExperiment"/>, for its monitor.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="TrialId">The trial concerned.</param>
/// <param name="Elapsed">Time since the experiment started.</param>
/// <param name="Parameter">The trial's hyperparameters.</param>
/// <param name="Trial">The trial's row once it finished (completed, failed, restored, new best).</param>
/// <param name="Training">The trainer's report (<see cref="ExperimentEventKind.TrainingProgress"/>).</param>
/// <param name="Message">A warning's text.</param>
public sealed record ExperimentEvent(
    ExperimentEventKind Kind, int TrialId, TimeSpan Elapsed, Parameter? Parameter = null, TrialResult? Trial = null,
    TrainingProgress? Training = null, string? Message = null);
