namespace Microsoft.ML.Deberta.Configuration;

/// <summary>
/// The <c>problem_type</c> of a sequence-classification config: which loss the head computes from labels.
/// When a config has none, the loss follows from <c>num_labels</c> and the labels' shape (transformers' rules).
/// </summary>
public enum ProblemType
{
    /// <summary><c>"regression"</c>: mean squared error.</summary>
    Regression,

    /// <summary><c>"single_label_classification"</c>: cross-entropy over the labels.</summary>
    SingleLabelClassification,

    /// <summary><c>"multi_label_classification"</c>: binary cross-entropy with logits, one per label.</summary>
    MultiLabelClassification,
}
