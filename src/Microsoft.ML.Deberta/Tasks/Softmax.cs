namespace Microsoft.ML.Deberta.Tasks;

/// <summary>The pipelines' numpy softmax in float32: subtract the maximum, exponentiate, divide by the sum.</summary>
internal static class Softmax
{
    /// <summary>Writes the softmax of <paramref name="logits"/> to <paramref name="probabilities"/> (same length).</summary>
    public static void Compute(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        float max = float.NegativeInfinity;
        foreach (float x in logits)
            max = Math.Max(max, x);
        double sum = 0; // numpy sums float32 pairwise; a double sum is as close to the exact value
        for (int i = 0; i < logits.Length; i++)
        {
            probabilities[i] = MathF.Exp(logits[i] - max);
            sum += probabilities[i];
        }
        float total = (float)sum;
        for (int i = 0; i < logits.Length; i++)
            probabilities[i] /= total;
    }

    /// <summary>The index of the largest value, the first one on ties (numpy's <c>argmax</c>).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }
}
