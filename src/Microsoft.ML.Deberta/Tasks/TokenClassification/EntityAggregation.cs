namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>How token predictions become entities (transformers' <c>aggregation_strategy</c>).</summary>
public enum EntityAggregation
{
    /// <summary>One entity per token with its full label (<c>B-PER</c>) and its index; nothing grouped.</summary>
    None,

    /// <summary>Per-token labels, then adjacent tokens of the same tag grouped (a <c>B-</c> starts a new group).</summary>
    Simple,

    /// <summary>Words take the label of their first token, then grouping.</summary>
    First,

    /// <summary>Words take the argmax of their tokens' mean probabilities, then grouping.</summary>
    Average,

    /// <summary>Words take the label of their most confident token, then grouping.</summary>
    Max,
}
