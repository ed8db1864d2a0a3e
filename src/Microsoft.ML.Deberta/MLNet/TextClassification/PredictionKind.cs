namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Which of ML.NET's output conventions a scoring transformer follows; named after the <c>ScoreColumnKind</c>
/// annotation value it writes, and chosen so the matching ML.NET evaluator works unchanged.
/// </summary>
internal enum PredictionKind
{
    /// <summary>
    /// <c>Score</c> = Vector&lt;Single, N&gt; of softmax probabilities (SlotNames = class names) and
    /// <c>PredictedLabel</c> = Key&lt;UInt32, N&gt; with the label's KeyValues: for
    /// <c>MulticlassClassification.Evaluate</c> and a following <c>MapKeyToValue</c>.
    /// </summary>
    MulticlassClassification,

    /// <summary>
    /// <c>Score</c> = Single log-odds of the positive class (threshold 0), <c>Probability</c> = Single, and
    /// <c>PredictedLabel</c> of the label's type (Boolean, or Key&lt;UInt32, 2&gt; with KeyValues): for
    /// <c>BinaryClassification.Evaluate</c>. The positive class is <c>true</c> or the second key.
    /// </summary>
    BinaryClassification,

    /// <summary><c>Score</c> = Single: for <c>Regression.Evaluate</c>.</summary>
    Regression,

    /// <summary>
    /// One <c>Vector&lt;Single, N&gt;</c> column (named by <see cref="OutputColumnNames.Score"/>, <c>Features</c> by
    /// default) holding the model's outputs as they are, e.g. text embeddings: the features of an ML.NET trainer.
    /// </summary>
    Features,
}
