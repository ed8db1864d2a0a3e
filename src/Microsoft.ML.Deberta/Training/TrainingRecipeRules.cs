namespace Microsoft.ML.Deberta.Training;

/// <summary>The range checks of the fine-tuning recipe's settings, shared by every trainer's options.</summary>
internal static class TrainingRecipeRules
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public static void Check(int batchSize, int epochs, double learningRate, double warmupRatio, double weightDecay,
        double maxGradNorm, int progressInterval)
    {
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException("BatchSize", batchSize, "The batch size must be at least 1.");
        if (epochs < 1)
            throw new ArgumentOutOfRangeException("Epochs", epochs, "Training needs at least 1 epoch.");
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException("LearningRate", learningRate, "The learning rate must be a finite number > 0.");
        if (!(warmupRatio >= 0 && warmupRatio <= 1))
            throw new ArgumentOutOfRangeException("WarmupRatio", warmupRatio, "The warm-up ratio must lie in [0, 1].");
        if (!(weightDecay >= 0) || !double.IsFinite(weightDecay))
            throw new ArgumentOutOfRangeException("WeightDecay", weightDecay, "Weight decay must be a finite number >= 0.");
        if (!(maxGradNorm >= 0) || !double.IsFinite(maxGradNorm))
            throw new ArgumentOutOfRangeException("MaxGradNorm", maxGradNorm, "The clipping norm must be a finite number >= 0 (0 disables clipping).");
        if (progressInterval < 1)
            throw new ArgumentOutOfRangeException("ProgressInterval", progressInterval, "The progress interval must be at least 1 step.");
    }

    /// <summary>Checks the checkpoint settings: a non-blank folder (or none) and at least 1 step between checkpoints.</summary>
    /// <exception cref="ArgumentException">The folder is blank or names a file.</exception>
    /// <exception cref="ArgumentOutOfRangeException">CheckpointEverySteps is below 1.</exception>
    public static void CheckCheckpoints(string? folder, int everySteps, string prefix = "")
    {
        if (folder is not null && string.IsNullOrWhiteSpace(folder))
            throw new ArgumentException($"{prefix}CheckpointFolder is blank: give a folder for the training checkpoints, or null for none.", "CheckpointFolder");
        if (folder is not null && File.Exists(folder))
            throw new ArgumentException($"{prefix}CheckpointFolder '{folder}' is a file; give a folder (it is created if missing).", "CheckpointFolder");
        if (everySteps < 1)
            throw new ArgumentOutOfRangeException("CheckpointEverySteps", everySteps,
                $"{prefix}CheckpointEverySteps must be at least 1 (optimizer steps between checkpoints; one is also written at every epoch's end).");
    }
}
