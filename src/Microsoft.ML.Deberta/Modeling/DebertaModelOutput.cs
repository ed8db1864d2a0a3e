using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>Output of the bare <see cref="DebertaModel"/> (transformers' <c>BaseModelOutput</c>).</summary>
/// <param name="LastHiddenState">(B, L, D) output of the last layer.</param>
/// <param name="HiddenStates">N + 1 hidden states (embedding output first), when asked for.</param>
/// <param name="Attentions">N attention probability tensors, when asked for.</param>
public sealed record DebertaModelOutput(Tensor LastHiddenState, IReadOnlyList<Tensor>? HiddenStates, IReadOnlyList<Tensor>? Attentions)
    : DebertaOutput(null, HiddenStates, Attentions)
{
    /// <inheritdoc />
    protected override IEnumerable<Tensor> MainTensors() { yield return LastHiddenState; }
}
