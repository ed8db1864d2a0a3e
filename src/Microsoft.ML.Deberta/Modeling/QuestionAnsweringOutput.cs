using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>Output of <see cref="DebertaForQuestionAnswering"/>.</summary>
/// <param name="StartLogits">(B, L) answer-start scores.</param>
/// <param name="EndLogits">(B, L) answer-end scores.</param>
/// <param name="Loss">Mean of the start and end cross-entropies, when positions were given.</param>
/// <param name="HiddenStates">N + 1 hidden states, when asked for.</param>
/// <param name="Attentions">N attention probability tensors, when asked for.</param>
public sealed record QuestionAnsweringOutput(Tensor StartLogits, Tensor EndLogits, Tensor? Loss, IReadOnlyList<Tensor>? HiddenStates, IReadOnlyList<Tensor>? Attentions)
    : DebertaOutput(Loss, HiddenStates, Attentions)
{
    /// <inheritdoc />
    protected override IEnumerable<Tensor> MainTensors()
    {
        yield return StartLogits;
        yield return EndLogits;
    }
}
