namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>
/// The 4.x pipeline's <c>select_starts_ends</c> and <c>decode_spans</c> for one window, in float32 as numpy runs them.
/// </summary>
internal static class SpanSelector
{
    /// <summary>The logit that masked positions get before the softmax.</summary>
    private const float MaskedLogit = -10000f;

    /// <summary>
    /// Masks positions that cannot hold an answer, takes the softmax of start and end logits separately, records the
    /// null score p(start=0)·p(end=0), then returns the <paramref name="topK"/> best spans with end ≥ start and at most
    /// <paramref name="maxAnswerLength"/> tokens whose start and end are allowed (index 0 always counts as allowed,
    /// a quirk of the pipeline's index test).
    /// </summary>
    /// <param name="startLogits">Start logits of the window.</param>
    /// <param name="endLogits">End logits of the window.</param>
    /// <param name="allowed">Positions that may hold an answer: context tokens and [CLS], not padding.</param>
    /// <param name="topK">Number of spans to draw before the allowed test.</param>
    /// <param name="maxAnswerLength">Longest span in tokens.</param>
    /// <param name="nullScore">p(start=0)·p(end=0) of this window, before [CLS] is zeroed.</param>
    public static List<SpanCandidate> Select(
        ReadOnlySpan<float> startLogits, ReadOnlySpan<float> endLogits, bool[] allowed, int topK, int maxAnswerLength, out double nullScore)
    {
        int n = allowed.Length;
        float[] start = Probabilities(startLogits, allowed);
        float[] end = Probabilities(endLogits, allowed);
        nullScore = start[0] * end[0];
        start[0] = end[0] = 0f;

        // Best spans by score, ties by flat index (s·n + e); every other pair scores exactly 0.
        var positive = new List<SpanCandidate>();
        for (int s = 0; s < n; s++)
            for (int e = s; e < n && e - s < maxAnswerLength; e++)
                if (start[s] * end[e] > 0f)
                    positive.Add(new SpanCandidate(s, e, start[s] * end[e]));
        var drawn = positive.OrderByDescending(c => c.Score).ThenBy(c => c.Start * n + c.End).Take(topK).ToList();
        for (long flat = 0; drawn.Count < topK && flat < (long)n * n; flat++)
        {
            int s = (int)(flat / n), e = (int)(flat % n);
            bool inBand = e >= s && e - s < maxAnswerLength;
            if (!inBand || start[s] * end[e] == 0f)
                drawn.Add(new SpanCandidate(s, e, 0f));
        }

        bool anyAllowed = allowed.Any(a => a);
        bool Desired(int i) => allowed[i] || (i == 0 && anyAllowed);
        return drawn.Where(c => Desired(c.Start) && Desired(c.End)).ToList();
    }

    private static float[] Probabilities(ReadOnlySpan<float> logits, bool[] allowed)
    {
        var masked = new float[allowed.Length];
        for (int i = 0; i < masked.Length; i++)
            masked[i] = allowed[i] && i < logits.Length ? logits[i] : MaskedLogit; // pads may have no logit: they are masked anyway
        Softmax.Compute(masked, masked);
        return masked;
    }
}
