using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The checks of the settings every fine-tuning options class shares, run when an estimator or trainer is created so
/// that a bad setting fails at once, naming the catalog method and the setting.
/// </summary>
internal static class FineTuningOptionsRules
{
    /// <summary>Checks the start (ModelFolder or Config and TokenizerFolder) and the recipe of an estimator's options, with early stopping and the scoring batch.</summary>
    /// <exception cref="ArgumentException">The start is missing or ambiguous, or early stopping has no validation set.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A number is out of range.</exception>
    public static void Check(DebertaEstimatorFineTuningOptions o, string method)
    {
        CheckStart(o, method);
        CheckRecipe(o, method);
        TextTrainerOptionsRules.AtLeast(o.InferenceBatchSize, 1, nameof(o.InferenceBatchSize), method);
        PrecisionRules.Check(o.InferencePrecision, nameof(o.InferencePrecision), method);
        PrecisionRules.Check(o.TrainingPrecision, nameof(o.TrainingPrecision), method);
        TextTrainerOptionsRules.AtLeast(o.EarlyStoppingPatience, 0, nameof(o.EarlyStoppingPatience), method);
        NonNegative(o.EarlyStoppingMinDelta, nameof(o.EarlyStoppingMinDelta), method);
        if (o.EarlyStoppingPatience > 0 && o.ValidationSet is null)
            throw new ArgumentException($"{method}: EarlyStoppingPatience needs a ValidationSet to measure improvement on.", nameof(o.EarlyStoppingPatience));
    }

    /// <summary>The shared fine-tuning loop's settings from an estimator's options and the run's seed.</summary>
    public static SequenceClassificationTrainingOptions Recipe(DebertaEstimatorFineTuningOptions o, int seed) => new()
    {
        BatchSize = o.BatchSize,
        Epochs = o.Epochs,
        LearningRate = o.LearningRate,
        WarmupRatio = o.WarmupRatio,
        WeightDecay = o.WeightDecay,
        MaxGradNorm = o.MaxGradientNorm,
        Seed = seed,
        EarlyStoppingPatience = o.EarlyStoppingPatience,
        EarlyStoppingMinDelta = o.EarlyStoppingMinDelta,
        StopToken = o.StopTrainingToken,
        CheckpointFolder = o.CheckpointFolder,
        CheckpointEverySteps = o.CheckpointEverySteps,
        TrainingPrecision = o.TrainingPrecision,
    };

    /// <summary>Exactly one of ModelFolder and Config; a Config needs TokenizerFolder.</summary>
    private static void CheckStart(DebertaFineTuningOptions o, string method)
    {
        switch (o.ModelFolder, o.Config)
        {
            case (null, null):
                throw new ArgumentException($"{method}: say where the model starts: set ModelFolder (a Hugging Face checkpoint) or Config and TokenizerFolder (a new model).", nameof(o.ModelFolder));
            case (not null, not null):
                throw new ArgumentException($"{method}: set either ModelFolder or Config, not both.", nameof(o.Config));
            case (not null, null):
                if (string.IsNullOrWhiteSpace(o.ModelFolder))
                    throw new ArgumentException($"{method}: ModelFolder is empty.", nameof(o.ModelFolder));
                break;
            default:
                if (string.IsNullOrWhiteSpace(o.TokenizerFolder))
                    throw new ArgumentException($"{method}: a model trained from a Config needs TokenizerFolder.", nameof(o.TokenizerFolder));
                break;
        }
    }

    /// <summary>The recipe's ranges: batch size and epochs at least 1, a finite learning rate &gt; 0, warm-up in [0, 1], weight decay and clipping finite and &gt;= 0; the checkpoint settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A number is out of range.</exception>
    public static void CheckRecipe(DebertaFineTuningOptions o, string method)
    {
        TextTrainerOptionsRules.AtLeast(o.BatchSize, 1, nameof(o.BatchSize), method);
        TextTrainerOptionsRules.AtLeast(o.Epochs, 1, nameof(o.Epochs), method);
        if (!(o.LearningRate > 0) || !double.IsFinite(o.LearningRate))
            throw new ArgumentOutOfRangeException(nameof(o.LearningRate), o.LearningRate, $"{method}: the learning rate must be a finite number > 0.");
        if (!(o.WarmupRatio >= 0 && o.WarmupRatio <= 1))
            throw new ArgumentOutOfRangeException(nameof(o.WarmupRatio), o.WarmupRatio, $"{method}: the warm-up ratio must lie in [0, 1].");
        NonNegative(o.WeightDecay, nameof(o.WeightDecay), method);
        NonNegative(o.MaxGradientNorm, nameof(o.MaxGradientNorm), method);
        TrainingRecipeRules.CheckCheckpoints(o.CheckpointFolder, o.CheckpointEverySteps, $"{method}: ");
    }

    private static void NonNegative(double value, string name, string method)
    {
        if (!(value >= 0) || !double.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, $"{method}: {name} must be a finite number >= 0.");
    }
}
