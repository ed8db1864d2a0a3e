namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>Settings of <see cref="TokenClassificationDecoder"/>, named after the pipeline's arguments.</summary>
public sealed class TokenClassificationDecodingOptions
{
    /// <summary>Gets how tokens become entities (<c>aggregation_strategy</c>, default none).</summary>
    public EntityAggregation Aggregation { get; init; } = EntityAggregation.None;

    /// <summary>Gets the labels (or group tags) whose entities are dropped (<c>ignore_labels</c>, default <c>["O"]</c>).</summary>
    public IReadOnlyList<string> IgnoreLabels { get; init; } = ["O"];
}
