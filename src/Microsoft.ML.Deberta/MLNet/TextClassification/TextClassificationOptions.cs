namespace Microsoft.ML.Deberta;

/// <summary>
/// Options of <c>mlContext.Transforms.Deberta.TextClassification</c>. The label is a key (map it with
/// <c>MapValueToKey</c>; its key values become the class names) or a Boolean.
/// </summary>
/// <remarks>
/// Outputs: for a key label, <c>PredictedLabel</c> (a key with the label's key values) and <c>Score</c> (softmax
/// probabilities, slot names = class names), for <c>MulticlassClassification.Evaluate</c> and <c>MapKeyToValue</c>.
/// For a Boolean label (or a 2-valued key with <see cref="BinaryOutputs"/>), <c>Score</c> (the positive class's
/// log-odds), <c>Probability</c> and <c>PredictedLabel</c>, for <c>BinaryClassification.Evaluate</c>.
/// </remarks>
public sealed class TextClassificationOptions : TextTrainerOptions
{
    /// <summary>The output column of the predicted class.</summary>
    public string PredictedLabelColumnName = "PredictedLabel";

    /// <summary>Binary outputs only: the output column of the positive class's probability.</summary>
    public string ProbabilityColumnName = "Probability";

    /// <summary>Give a label key with exactly 2 values binary outputs (Score, Probability, PredictedLabel) instead of multiclass ones; the second key value is the positive class.</summary>
    public bool BinaryOutputs;
}
