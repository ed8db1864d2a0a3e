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

        FineTuningOptionsRules.Check(o, method);
        EncodingRules.Check(method, o.MaxLength, o.LongTextStrategy, o.Stride, o.TextPairColumnName is not null);
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
}
