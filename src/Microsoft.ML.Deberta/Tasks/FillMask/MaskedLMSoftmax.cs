namespace Microsoft.ML.Deberta.Tasks.FillMask;

/// <summary>Softmax of one logits row as torch computes it: subtract the maximum, exponentiate, divide by the sum.</summary>
internal static class MaskedLMSoftmax
{
    public static void Compute(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        float max = float.NegativeInfinity;
        foreach (float x in logits)
            max = Math.Max(max, x);
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
            sum += Math.Exp(logits[i] - max);
        for (int i = 0; i < logits.Length; i++)
            probabilities[i] = (float)(Math.Exp(logits[i] - max) / sum);
    }
}
