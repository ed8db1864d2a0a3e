namespace Microsoft.ML.Deberta.Training;

/// <summary>Hyperparameters of fine-tuning a sequence classification or regression head.</summary>
public sealed class SequenceClassificationTrainingOptions
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

    /// <summary>Seed of the per-epoch shuffle (epoch e shuffles with <c>Seed + e</c>).</summary>
    public int Seed { get; set; }

    /// <summary>
    /// Stop after this many epochs without a validation improvement; 0 never stops early. With a validation set the
    /// best epoch's weights are restored at the end either way.
    /// </summary>
    public int EarlyStoppingPatience { get; set; }

    /// <summary>The smallest change of the validation metric that counts as an improvement.</summary>
    public double EarlyStoppingMinDelta { get; set; }
}
