using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// What every DeBERTa forward pass returns besides its main result: the loss (when labels were given), the hidden
/// states (embedding output first, then each layer: N + 1 tensors of (B, L, D)) and the attention probabilities
/// (N tensors of (B, H, L, L)) when asked for. Disposing the output disposes every tensor in it.
/// </summary>
/// <param name="Loss">The scalar loss, when labels were given.</param>
/// <param name="HiddenStates">The hidden states, when asked for.</param>
/// <param name="Attentions">The attention probabilities, when asked for.</param>
public abstract record DebertaOutput(Tensor? Loss, IReadOnlyList<Tensor>? HiddenStates, IReadOnlyList<Tensor>? Attentions) : IDisposable
{
    /// <summary>Every tensor this output holds.</summary>
    public IEnumerable<Tensor> Tensors
    {
        get
        {
            foreach (var t in MainTensors()) yield return t;
            if (Loss is not null) yield return Loss;
            if (HiddenStates is not null) foreach (var t in HiddenStates) yield return t;
            if (Attentions is not null) foreach (var t in Attentions) yield return t;
        }
    }

    /// <summary>The head's own result tensors (logits, last hidden state, ...).</summary>
    protected abstract IEnumerable<Tensor> MainTensors();

    /// <summary>Moves every tensor out of the current dispose scope, to the enclosing one.</summary>
    public void MoveToOuterDisposeScope()
    {
        foreach (var t in Tensors) t.MoveToOuterDisposeScope();
    }

    /// <summary>Takes every tensor out of all dispose scopes: the caller owns them and disposes this output.</summary>
    public void DetachFromDisposeScope()
    {
        foreach (var t in Tensors) t.DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in Tensors) t.Dispose();
        GC.SuppressFinalize(this);
    }
}
