using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Checks <see cref="TextTrainerOptions"/> when an estimator is created, so that a bad setting fails at once with its name.</summary>
internal static class TextTrainerOptionsRules
{
    /// <summary>Throws <see cref="ArgumentException"/> (or <see cref="ArgumentOutOfRangeException"/>) naming the first bad setting.</summary>
    public static void Check(TextTrainerOptions o, string method, params string[] outputColumns)
    {
        Name(o.TextColumnName, nameof(o.TextColumnName), method);
        if (o.TextPairColumnName is not null)
            Name(o.TextPairColumnName, nameof(o.TextPairColumnName), method);
        Name(o.LabelColumnName, nameof(o.LabelColumnName), method);
        foreach (var output in outputColumns)
            Name(output, "an output column name", method);
        if (outputColumns.Distinct(StringComparer.Ordinal).Count() != outputColumns.Length)
            throw new ArgumentException($"{method}: the output columns must have distinct names; got {string.Join(", ", outputColumns)}.");

        switch (o.ModelFolder, o.Config)
        {
            case (null, null):
                throw new ArgumentException($"{method}: say where the model starts: set ModelFolder (a Hugging Face checkpoint) or Config and TokenizerFolder (a new model).", nameof(o.ModelFolder));
            case (not null, not null):
                throw new ArgumentException($"{method}: set either ModelFolder or Config, not both.", nameof(o.Config));
            case (not null, null):
                Name(o.ModelFolder, nameof(o.ModelFolder), method);
                break;
            default:
                if (string.IsNullOrWhiteSpace(o.TokenizerFolder))
                    throw new ArgumentException($"{method}: a model trained from a Config needs TokenizerFolder.", nameof(o.TokenizerFolder));
                break;
        }

        EncodingRules.Check(method, o.MaxLength, o.LongTextStrategy, o.Stride, o.TextPairColumnName is not null);
        AtLeast(o.BatchSize, 1, nameof(o.BatchSize), method);
        AtLeast(o.Epochs, 1, nameof(o.Epochs), method);
        AtLeast(o.InferenceBatchSize, 1, nameof(o.InferenceBatchSize), method);
        AtLeast(o.EarlyStoppingPatience, 0, nameof(o.EarlyStoppingPatience), method);
        if (!(o.LearningRate > 0) || !double.IsFinite(o.LearningRate))
            throw new ArgumentOutOfRangeException(nameof(o.LearningRate), o.LearningRate, $"{method}: the learning rate must be a finite number > 0.");
        if (!(o.WarmupRatio >= 0 && o.WarmupRatio <= 1))
            throw new ArgumentOutOfRangeException(nameof(o.WarmupRatio), o.WarmupRatio, $"{method}: the warm-up ratio must lie in [0, 1].");
        NonNegative(o.WeightDecay, nameof(o.WeightDecay), method);
        NonNegative(o.MaxGradientNorm, nameof(o.MaxGradientNorm), method);
        NonNegative(o.EarlyStoppingMinDelta, nameof(o.EarlyStoppingMinDelta), method);
        if (o.EarlyStoppingPatience > 0 && o.ValidationSet is null)
            throw new ArgumentException($"{method}: EarlyStoppingPatience needs a ValidationSet to measure improvement on.", nameof(o.EarlyStoppingPatience));
    }

    private static void Name(string? name, string what, string method)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException($"{method}: {what} is empty.", what);
    }

    internal static void AtLeast(int value, int least, string name, string method)
    {
        if (value < least)
            throw new ArgumentOutOfRangeException(name, value, $"{method}: {name} must be at least {least}.");
    }

    private static void NonNegative(double value, string name, string method)
    {
        if (!(value >= 0) || !double.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, $"{method}: {name} must be a finite number >= 0.");
    }
}
