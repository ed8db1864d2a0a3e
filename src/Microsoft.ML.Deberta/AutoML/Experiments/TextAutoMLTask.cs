namespace Microsoft.ML.Deberta.AutoML;

/// <summary>What a <see cref="TextAutoMLExperiment"/> learns.</summary>
public enum TextAutoMLTask
{
    /// <summary>Two classes from one text (the label has exactly two values; the larger value is the positive class).</summary>
    BinaryClassification,

    /// <summary>Two or more classes from one text.</summary>
    MulticlassClassification,

    /// <summary>Classes from a pair of texts (premise/hypothesis, question/answer): needs a text pair column.</summary>
    TextPairClassification,

    /// <summary>A number from a text (or a pair): a numeric label.</summary>
    Regression,
}
