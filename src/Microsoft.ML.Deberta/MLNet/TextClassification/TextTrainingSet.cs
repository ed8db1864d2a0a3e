namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Training rows read from an <see cref="IDataView"/> and already checked: no missing labels, no empty texts.
/// Produced by <see cref="TextTrainingSetReader"/>; consumed by an <see cref="IDebertaTextTrainer"/>.
/// </summary>
internal sealed class TextTrainingSet
{
    internal TextTrainingSet(TextTask task, string[] texts, string[]? pairs, int[]? classIndices, float[]? targets,
        int classCount, IReadOnlyList<string>? classNames)
    {
        Task = task;
        Texts = texts;
        Pairs = pairs;
        ClassIndices = classIndices;
        Targets = targets;
        ClassCount = classCount;
        ClassNames = classNames;
    }

    /// <summary>Classification or regression.</summary>
    public TextTask Task { get; }

    /// <summary>Number of rows.</summary>
    public int Count => Texts.Count;

    /// <summary>The first text of each row.</summary>
    public IReadOnlyList<string> Texts { get; }

    /// <summary>The second text of each row, or null for single-text tasks.</summary>
    public IReadOnlyList<string>? Pairs { get; }

    /// <summary>Classification: the 0-based class of each row (key − 1; false = 0, true = 1). Null for regression.</summary>
    public IReadOnlyList<int>? ClassIndices { get; }

    /// <summary>Regression: the finite target of each row. Null for classification.</summary>
    public IReadOnlyList<float>? Targets { get; }

    /// <summary>Classification: the number of classes (the key count, or 2 for a Boolean label). 0 for regression.</summary>
    public int ClassCount { get; }

    /// <summary>Classification: class names in class order (the label's KeyValues as text; "False"/"True" for a
    /// Boolean label), for a checkpoint's id2label; null when the key has no values.</summary>
    public IReadOnlyList<string>? ClassNames { get; }
}
