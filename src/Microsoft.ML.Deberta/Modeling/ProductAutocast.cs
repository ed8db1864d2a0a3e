using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// Mixed-precision compute of the encoder's products from float32 weights, done explicitly as <c>torch.autocast</c>
/// does it (TorchSharp has none): while a scope is open on a thread, every product of
/// <see cref="PointwiseConvolution.Linear(Tensor, Tensor, Tensor?)"/> casts its float32 weight, bias and input to
/// bfloat16 on the fly. The parameters stay float32 (the master weights), and autograd carries the gradient back
/// through the cast as float32, so AdamW and its state stay float32 too.
/// </summary>
/// <remarks>
/// The state is per thread, as autocast's is: a forward pass runs on one thread, and the backward pass calls no C#.
/// <see cref="DebertaModel"/> opens a scope around its encoder only (see <see cref="DebertaModel.AutocastPrecision"/>), so
/// embeddings and task heads compute in float32; inside the encoder the split is the one of bfloat16 inference
/// (<see cref="DebertaPrecision.BFloat16"/>): the score products follow their bfloat16 operands, and LayerNorm, softmax
/// and the residual stream stay float32.
/// </remarks>
internal static class ProductAutocast
{
    [ThreadStatic]
    private static bool bfloat16;

    /// <summary>Opens a scope computing in <paramref name="precision"/> (Float32: none); disposing it restores the previous state.</summary>
    public static Scope Enter(DebertaPrecision precision) => new(precision == DebertaPrecision.BFloat16);

    /// <summary>The dtype a product with <paramref name="weight"/> computes in here: bfloat16 for a float32 weight in a scope, else the weight's.</summary>
    public static ScalarType ComputeType(Tensor weight) =>
        bfloat16 && weight.dtype == ScalarType.Float32 ? ScalarType.BFloat16 : weight.dtype;

    /// <summary>Restores the state before <see cref="Enter"/>.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly bool _previous;

        internal Scope(bool active)
        {
            _previous = bfloat16;
            bfloat16 = active;
        }

        public void Dispose() => bfloat16 = _previous;
    }
}
