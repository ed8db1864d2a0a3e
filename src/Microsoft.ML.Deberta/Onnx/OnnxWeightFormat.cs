namespace Microsoft.ML.Deberta.Onnx;

/// <summary>How <see cref="DebertaOnnxExporter"/> stores the encoder's linear layers.</summary>
public enum OnnxWeightFormat
{
    /// <summary>Every weight as float32; the graph runs plain <c>MatMul</c>s (the default).</summary>
    Float32 = 0,

    /// <summary>
    /// Dynamic int8 quantisation, as ONNX Runtime's <c>quantize_dynamic</c> with <c>per_channel=True</c> writes it: every
    /// encoder linear (attention and relative-position projections, intermediate, output) keeps an int8 weight with one
    /// symmetric scale per output channel (zero point 0) and runs <c>DynamicQuantizeLinear</c> on its input, then
    /// <c>MatMulInteger</c>, rescaled to float32 and plus the float32 bias. Embeddings, layer norms, softmax and the heads
    /// stay float32. Standard ONNX ops only; ONNX Runtime fuses the pattern into its own int8 kernels. Smaller and
    /// faster on CPUs with int8 dot-product instructions, at the cost of slightly different scores.
    /// </summary>
    Int8 = 1,

    /// <summary>
    /// Every weight matrix — encoder linears, the heads' linears, the word, position, token-type and relative-position
    /// embedding tables, the conv kernel — stored as float16 (rounded to nearest, ties to even) and cast to float32 in
    /// the graph, which then computes in float32 as <see cref="Float32"/> does; biases and layer norms stay float32.
    /// The file is about half the size; ONNX Runtime folds the casts when it opens the session, so it runs at float32
    /// speed and memory, with scores that differ slightly from float32 (the weights' rounding only).
    /// </summary>
    Float16 = 2,
}
