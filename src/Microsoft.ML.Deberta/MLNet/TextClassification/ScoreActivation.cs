namespace Microsoft.ML.Deberta.MLNet;

/// <summary>How a scoring transformer turns a model's raw outputs into <c>Score</c> values.</summary>
internal enum ScoreActivation
{
    /// <summary>The kind's convention: softmax across classes (multiclass), the value as it is (regression, features).</summary>
    Default,

    /// <summary>
    /// A sigmoid of each output on its own: independent per-class probabilities from log-odds (zero-shot multi-label),
    /// or a relevance probability from a single logit (pair scoring).
    /// </summary>
    Sigmoid,
}
