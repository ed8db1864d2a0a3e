namespace Microsoft.ML.Deberta.Training;

/// <summary>Hyperparameters of masked-LM training (continued pretraining / domain adaptation).</summary>
internal sealed class MaskedLMTrainingOptions
{
    /// <summary>Sequences per optimizer step.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Passes over the training sequences; each pass draws new masks.</summary>
    public int Epochs { get; set; } = 3;

    /// <summary>Peak learning rate of the linear warm-up/decay schedule (transformers' default for <c>run_mlm.py</c>).</summary>
    public double LearningRate { get; set; } = 5e-5;

    /// <summary>Fraction of the steps spent warming up linearly from 0.</summary>
    public double WarmupRatio { get; set; } = 0.1;

    /// <summary>Decoupled AdamW weight decay (never applied to biases and LayerNorm weights).</summary>
    public double WeightDecay { get; set; } = 0.01;

    /// <summary>Global gradient-norm clipping threshold; 0 disables clipping.</summary>
    public double MaxGradNorm { get; set; } = 1.0;

    /// <summary>Probability that a (non-special) token is selected for prediction (transformers' <c>mlm_probability</c>).</summary>
    public double MaskProbability { get; set; } = 0.15;

    /// <summary>Select whole words (all pieces of a word or none) instead of single tokens.</summary>
    public bool WholeWordMasking { get; set; }

    /// <summary>
    /// Seed of the run: epoch shuffles (as the classifier's), the masks and the dropout generator derive from it;
    /// the validation masks are drawn once from it, so every epoch's perplexity is measured on the same masks.
    /// </summary>
    public int Seed { get; set; }

    /// <summary>Optimizer steps between progress reports (besides the report at the end of every epoch).</summary>
    public int ProgressInterval { get; set; } = 10;

    /// <summary>A folder for training checkpoints (as <see cref="SequenceClassificationTrainingOptions.CheckpointFolder"/>); null writes none.</summary>
    public string? CheckpointFolder { get; set; }

    /// <summary>Optimizer steps between checkpoints within an epoch (besides the one at every epoch's end).</summary>
    public int CheckpointEverySteps { get; set; } = SequenceClassificationTrainingOptions.DefaultCheckpointEverySteps;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    internal void Validate()
    {
        TrainingRecipeRules.Check(BatchSize, Epochs, LearningRate, WarmupRatio, WeightDecay, MaxGradNorm, ProgressInterval);
        TrainingRecipeRules.CheckCheckpoints(CheckpointFolder, CheckpointEverySteps);
        CheckMaskProbability(MaskProbability, nameof(MaskProbability));
    }

    /// <summary>The mask probability must lie strictly between 0 and 1.</summary>
    internal static void CheckMaskProbability(double probability, string name)
    {
        if (!(probability > 0 && probability < 1))
            throw new ArgumentOutOfRangeException(name, probability,
                "The mask probability must lie strictly between 0 and 1 (transformers' default is 0.15).");
    }

    /// <summary>A copy, so that changes after a trainer was created do not affect it.</summary>
    internal MaskedLMTrainingOptions Clone() => (MaskedLMTrainingOptions)MemberwiseClone();
}
