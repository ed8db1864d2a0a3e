using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>Output of <see cref="DebertaForTokenClassification"/>.</summary>
/// <param name="Logits">(B, L, num_labels) scores.</param>
/// <param name="Loss">Cross-entropy over tokens whose label is not −100, when labels were given.</param>
/// <param name="HiddenStates">N + 1 hidden states, when asked for.</param>
/// <param name="Attentions">N attention probability tensors, when asked for.</param>
public sealed record TokenClassifierOutput(Tensor Logits, Tensor? Loss, IReadOnlyList<Tensor>? HiddenStates, IReadOnlyList<Tensor>? Attentions)
    : DebertaOutput(Loss, HiddenStates, Attentions)
{
    /// <inheritdoc />
    protected override IEnumerable<Tensor> MainTensors() { yield return Logits; }
}
