using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta;

/// <summary>
/// What every DeBERTa trainer's options share: where the model starts (a Hugging Face checkpoint folder, or a config
/// and a tokenizer to train from scratch) and the training recipe (AdamW, linear warm-up then decay to 0, gradient
/// clipping), a validation set, progress reports, cancellation and resumable training checkpoints.
/// </summary>
/// <remarks>
/// <para>The recipe's defaults (batch 16, 3 epochs, learning rate 3e-5, 10% warm-up, weight decay 0.01, clipping at
/// 1.0) are those of fine-tuning a pre-trained checkpoint; a task whose usual recipe differs sets its own defaults
/// (see its options). A model trained from scratch (<see cref="Config"/>) needs a larger learning rate (about 1e-4 to
/// 1e-3) and a small config for small data.</para>
/// <para>Every setting is checked when the estimator or trainer is created, so a bad value fails at once with its name.</para>
/// </remarks>
public abstract class DebertaFineTuningOptions
{
    private protected DebertaFineTuningOptions()
    {
    }

    /// <summary>
    /// A Hugging Face checkpoint folder to start from: <c>config.json</c>, weights (<c>model.safetensors</c> or
    /// <c>pytorch_model.bin</c>) and the tokenizer files (or set <see cref="TokenizerFolder"/>). Which of the
    /// checkpoint's heads is kept depends on the task (see the task's options). Set this or <see cref="Config"/>.
    /// </summary>
    public string? ModelFolder;

    /// <summary>A configuration to train a new model from scratch (random weights from the seed); needs <see cref="TokenizerFolder"/>. Set this or <see cref="ModelFolder"/>.</summary>
    public DebertaConfig? Config;

    /// <summary>The tokenizer folder: required with <see cref="Config"/>; with <see cref="ModelFolder"/> it replaces the folder's own tokenizer.</summary>
    public string? TokenizerFolder;

    /// <summary>Examples (sequences, or windows of long texts) per optimizer step.</summary>
    public int BatchSize = 16;

    /// <summary>Passes over the training data.</summary>
    public int Epochs = 3;

    /// <summary>The peak learning rate (reached after warm-up, then decayed linearly to 0). 3e-5 suits pre-trained checkpoints; see the remarks for training from scratch.</summary>
    public double LearningRate = 3e-5;

    /// <summary>The fraction of the steps spent warming the learning rate up from 0.</summary>
    public double WarmupRatio = 0.1;

    /// <summary>Decoupled AdamW weight decay, never applied to biases and LayerNorm weights.</summary>
    public double WeightDecay = 0.01;

    /// <summary>Clip the global gradient norm to this value; 0 disables clipping.</summary>
    public double MaxGradientNorm = 1.0;

    /// <summary>The seed of weight initialisation, shuffling, dropout (and masks, for masked-LM training); null draws one from the MLContext's seed.</summary>
    public int? Seed;

    /// <summary>
    /// Held-out rows with the same columns as the training data, scored after every epoch by the task's metric (see the
    /// task's options); the best epoch's weights are kept at the end.
    /// </summary>
    public IDataView? ValidationSet;

    /// <summary>Receives progress reports: epoch, step, loss, learning rate, validation metric, elapsed time and an estimate of the time left.</summary>
    public IProgress<TrainingProgress>? Progress;

    /// <summary>Cancels <c>Fit</c> (reading the data or training): it throws <see cref="OperationCanceledException"/> and leaves no files behind (but keeps the checkpoints in <see cref="CheckpointFolder"/>).</summary>
    public CancellationToken CancellationToken;

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
    /// seed, batch size, epochs, recipe or masking setting), naming what differs, and a damaged one. Give a fixed
    /// <see cref="Seed"/> (or the same MLContext seed) when resuming. A checkpoint holds about
    /// four copies of the model's weights (five with a validation set).</para>
    /// </remarks>
    public string? CheckpointFolder;

    /// <summary>Optimizer steps between checkpoints within an epoch (one is also written at the end of every epoch); at least 1. Used with <see cref="CheckpointFolder"/>.</summary>
    public int CheckpointEverySteps = Training.SequenceClassificationTrainingOptions.DefaultCheckpointEverySteps;

    /// <summary>A private copy (config included), so later changes to these options do not affect an estimator or trainer.</summary>
    private protected T SnapshotAs<T>() where T : DebertaFineTuningOptions
    {
        var copy = (T)MemberwiseClone();
        copy.Config = Config?.Clone();
        return copy;
    }
}
