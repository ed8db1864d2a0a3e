namespace Microsoft.ML.Deberta;

/// <summary>
/// What the options of a fine-tuning estimator share besides <see cref="DebertaFineTuningOptions"/>: early stopping on
/// the validation metric, a token that ends training without an error, resumable training checkpoints, and the batch
/// size of the fitted model's scoring.
/// Text classification and regression, question answering and token classification derive from it.
/// </summary>
public abstract class DebertaEstimatorFineTuningOptions : DebertaFineTuningOptions
{
    private protected DebertaEstimatorFineTuningOptions()
    {
    }

    /// <summary>Stop after this many epochs without a validation improvement (0: never stop early). Needs <see cref="DebertaFineTuningOptions.ValidationSet"/>.</summary>
    public int EarlyStoppingPatience;

    /// <summary>The smallest change of the validation metric that counts as an improvement.</summary>
    public double EarlyStoppingMinDelta;

    /// <summary>
    /// Ends training early without an error when signalled, e.g. by a time budget (unlike
    /// <see cref="DebertaFineTuningOptions.CancellationToken"/>, which makes <c>Fit</c> throw): training stops after the
    /// current optimizer step and <c>Fit</c> returns a model with the best completed epoch's weights (by the validation
    /// metric), or the weights reached so far when no epoch completed or there is no validation set. At least one step
    /// is always taken.
    /// </summary>
    public CancellationToken StopTrainingToken;

    /// <summary>
    /// A folder for training checkpoints, so that a run that crashed or was killed can resume: every
    /// <see cref="CheckpointEverySteps"/> optimizer steps and at the end of every epoch, <c>Fit</c> saves the weights,
    /// AdamW's state, the schedule's and the data's position, the dropout generator's state, the best epoch's weights,
    /// the early-stopping counters and the epoch summaries so far. A <c>Fit</c> given a folder that holds a checkpoint
    /// resumes from it and ends with the same weights and metrics as a run that was never interrupted (same data and
    /// settings). The folder is created if missing; null (the default) writes no checkpoint.
    /// </summary>
    /// <remarks>
    /// <para>Each checkpoint is written into a temporary sub-folder, flushed to disk and then renamed, so a run killed
    /// while saving resumes from the previous checkpoint; only the latest is kept, and cancelling <c>Fit</c> keeps it
    /// too. A finished run's folder holds its last checkpoint: a <c>Fit</c> given it again trains nothing and returns
    /// the same model. Progress reports carry
    /// <see cref="TrainingProgress.ResumedFromStep"/> and the log says "Resumed from step S of epoch E".</para>
    /// <para><c>Fit</c> refuses a checkpoint of a different run (another model shape, number of training examples,
    /// seed, batch size, epochs or recipe setting), naming what differs, and a damaged one. Give a fixed
    /// <see cref="DebertaFineTuningOptions.Seed"/> (or the same MLContext seed) when resuming. A checkpoint holds about
    /// four copies of the model's weights (five with a validation set).</para>
    /// </remarks>
    public string? CheckpointFolder;

    /// <summary>Optimizer steps between checkpoints within an epoch (one is also written at the end of every epoch); at least 1. Used with <see cref="CheckpointFolder"/>.</summary>
    public int CheckpointEverySteps = Training.SequenceClassificationTrainingOptions.DefaultCheckpointEverySteps;

    /// <summary>Rows (or windows) per forward pass when the fitted model scores (<c>Transform</c>).</summary>
    public int InferenceBatchSize = 32;
}
