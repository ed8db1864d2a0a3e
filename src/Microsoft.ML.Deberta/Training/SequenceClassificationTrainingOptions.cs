using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.Training;

/// <summary>Hyperparameters of fine-tuning a sequence classification or regression head.</summary>
internal sealed class SequenceClassificationTrainingOptions
{
    /// <summary>Examples per optimizer step.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; set; } = 3;

    /// <summary>Peak learning rate of the linear warm-up/decay schedule.</summary>
    public double LearningRate { get; set; } = 3e-5;

    /// <summary>Fraction of the steps spent warming up linearly from 0.</summary>
    public double WarmupRatio { get; set; } = 0.1;

    /// <summary>Decoupled AdamW weight decay (never applied to biases and LayerNorm weights).</summary>
    public double WeightDecay { get; set; } = 0.01;

    /// <summary>Global gradient-norm clipping threshold; 0 disables clipping.</summary>
    public double MaxGradNorm { get; set; } = 1.0;

    /// <summary>
    /// Seed of the run: the first epoch shuffles with <c>new Random(Seed)</c>, the next with <c>Seed + 1</c> and so on,
    /// and the run's own dropout generator is seeded with it (TorchSharp's global generator is left alone).
    /// </summary>
    public int Seed { get; set; }

    /// <summary>
    /// Stop after this many epochs without a validation improvement; 0 never stops early. With a validation set the
    /// best epoch's weights are restored at the end either way.
    /// </summary>
    public int EarlyStoppingPatience { get; set; }

    /// <summary>The smallest change of the validation metric that counts as an improvement.</summary>
    public double EarlyStoppingMinDelta { get; set; }

    /// <summary>
    /// Ends training early without an error when signalled (a time budget, say), unlike cancellation, which throws:
    /// the run stops after the current optimizer step and keeps the best completed epoch's weights (with a validation
    /// set), or the weights it reached when no epoch completed; <see cref="TrainingResult.StoppedOnRequest"/> says so.
    /// </summary>
    public CancellationToken StopToken { get; set; }

    /// <summary>Optimizer steps between progress reports (besides the report at the end of every epoch).</summary>
    public int ProgressInterval { get; set; } = 10;

    /// <summary>
    /// A folder for training checkpoints (<see cref="TrainingCheckpointStore"/>): written every
    /// <see cref="CheckpointEverySteps"/> steps and at the end of every epoch; a run given a folder with a checkpoint
    /// resumes from it. Null writes none.
    /// </summary>
    public string? CheckpointFolder { get; set; }

    /// <summary>Optimizer steps between checkpoints within an epoch (besides the one at every epoch's end).</summary>
    public int CheckpointEverySteps { get; set; } = DefaultCheckpointEverySteps;

    /// <summary>The default of <see cref="CheckpointEverySteps"/> (transformers' <c>save_steps</c>).</summary>
    public const int DefaultCheckpointEverySteps = 500;

    /// <summary>
    /// The precision the encoder computes its products in while training (forward and backward, validation included):
    /// <see cref="DebertaPrecision.BFloat16"/> casts the float32 weights and inputs of each product to bfloat16 on the
    /// fly, as <c>torch.autocast</c> does; the weights, their gradients and AdamW's state stay float32, and the model is
    /// float32 again after the run. Float32 (the default) computes in float32.
    /// </summary>
    public DebertaPrecision TrainingPrecision { get; set; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    internal void Validate()
    {
        if (!Enum.IsDefined(TrainingPrecision))
            throw new ArgumentOutOfRangeException(nameof(TrainingPrecision), TrainingPrecision, "The training precision must be Float32 or BFloat16.");
        TrainingRecipeRules.CheckCheckpoints(CheckpointFolder, CheckpointEverySteps);
        TrainingRecipeRules.Check(BatchSize, Epochs, LearningRate, WarmupRatio, WeightDecay, MaxGradNorm, ProgressInterval);
        if (EarlyStoppingPatience < 0)
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "The patience must be >= 0 (0 never stops early).");
        if (!(EarlyStoppingMinDelta >= 0) || !double.IsFinite(EarlyStoppingMinDelta))
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingMinDelta), EarlyStoppingMinDelta, "The minimum improvement must be a finite number >= 0.");
    }

    /// <summary>A copy, so that changes after a trainer was created do not affect it.</summary>
    internal SequenceClassificationTrainingOptions Clone() => (SequenceClassificationTrainingOptions)MemberwiseClone();
}
