namespace Microsoft.ML.Deberta.Onnx;

/// <summary>One float output of an ONNX Runtime run: its graph name, row-major values and shape.</summary>
/// <param name="Name">The graph output's name, e.g. <c>logits</c>.</param>
/// <param name="Values">The values in row-major order.</param>
/// <param name="Shape">The dimensions, batch first.</param>
public sealed record OnnxScoreTensor(string Name, float[] Values, long[] Shape)
{
    /// <summary>Row <paramref name="index"/> of the batch (all values of that batch entry).</summary>
    public ReadOnlySpan<float> Row(int index)
    {
        int width = Shape.Length < 2 ? 1 : checked((int)(Values.Length / Shape[0]));
        return Values.AsSpan(index * width, width);
    }
}
