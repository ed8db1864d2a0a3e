using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>Output of <see cref="DebertaForSequenceClassification"/>.</summary>
/// <param name="Logits">(B, num_labels) scores.</param>
/// <param name="Loss">The loss chosen by problem_type / num_labels, when labels were given.</param>
/// <param name="HiddenStates">N + 1 hidden states, when asked for.</param>
/// <param name="Attentions">N attention probability tensors, when asked for.</param>
public sealed record SequenceClassifierOutput(Tensor Logits, Tensor? Loss, IReadOnlyList<Tensor>? HiddenStates, IReadOnlyList<Tensor>? Attentions)
    : DebertaOutput(Loss, HiddenStates, Attentions)
{
    /// <inheritdoc />
    protected override IEnumerable<Tensor> MainTensors() { yield return Logits; }
}
