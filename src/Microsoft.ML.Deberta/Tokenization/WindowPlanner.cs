namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// Truncation and overflow windows with the rules of the Rust <c>tokenizers</c> library behind transformers' fast
/// tokenizers (<c>truncate_encodings</c>, <c>Encoding::truncate</c>, <c>Encoding::merge_with</c>).
/// </summary>
internal static class WindowPlanner
{
    public const string SequenceTooShortMessage =
        "Truncation error: Sequence to truncate too short to respect the provided max_length";

    /// <summary>
    /// Returns the windows of one input: the first is the truncated input; the others (only when overflow is
    /// requested) follow the order transformers returns them in.
    /// </summary>
    /// <param name="lengthA">Tokens of the first sequence.</param>
    /// <param name="lengthB">Tokens of the second sequence, or -1 for none.</param>
    /// <param name="options">Truncation strategy, stride and whether overflow windows are wanted.</param>
    /// <param name="maxLength">The maximum length, special tokens included.</param>
    /// <param name="specialTokenCount">Special tokens the template adds (0, 2 or 3).</param>
    public static List<WindowSpec> Plan(int lengthA, int lengthB, DebertaEncodeOptions options, int maxLength, int specialTokenCount)
    {
        bool pair = lengthB >= 0;
        DebertaTruncation strategy = options.ResolveTruncation();
        var whole = new List<WindowSpec> { new(0, lengthA, pair ? 0 : -1, pair ? lengthB : -1) };
        if (strategy == DebertaTruncation.None)
            return whole;
        if (maxLength < specialTokenCount)
            throw new ArgumentException(
                $"MaxLength {maxLength} is smaller than the {specialTokenCount} special tokens a {(pair ? "pair" : "single sequence")} needs.",
                nameof(options));
        int budget = maxLength - specialTokenCount;
        int total = lengthA + Math.Max(lengthB, 0);
        if (total <= budget)
            return whole;
        int toRemove = total - budget;

        List<(int Start, int End)> windowsA, windowsB;
        switch (strategy)
        {
            case DebertaTruncation.LongestFirst when pair:
                (int keepA, int keepB) = LongestFirstLengths(lengthA, lengthB, budget);
                windowsA = Windows(lengthA, keepA, options.Stride);
                windowsB = Windows(lengthB, keepB, options.Stride);
                break;
            case DebertaTruncation.LongestFirst:
            case DebertaTruncation.OnlyFirst:
                if (strategy == DebertaTruncation.OnlyFirst && lengthA <= toRemove)
                    throw new ArgumentException(SequenceTooShortMessage, nameof(options));
                windowsA = Windows(lengthA, strategy == DebertaTruncation.OnlyFirst ? lengthA - toRemove : budget, options.Stride);
                windowsB = [(0, Math.Max(lengthB, 0))];
                break;
            case DebertaTruncation.OnlySecond:
                if (!pair)
                    throw new ArgumentException("Truncation error: Second sequence not provided", nameof(options));
                if (lengthB <= toRemove)
                    throw new ArgumentException(SequenceTooShortMessage, nameof(options));
                windowsA = [(0, lengthA)];
                windowsB = Windows(lengthB, lengthB - toRemove, options.Stride);
                break;
            default:
                throw new ArgumentException($"Unknown truncation strategy {strategy}.", nameof(options));
        }
        return Combine(windowsA, windowsB, pair, options.ReturnOverflowingTokens);
    }

    /// <summary>The fast tokenizers' <c>longest_first</c> rule (spec §8.5), assigned back to the original order.</summary>
    public static (int KeepA, int KeepB) LongestFirstLengths(int lengthA, int lengthB, int budget)
    {
        bool swap = lengthA > lengthB;
        int n1 = Math.Min(lengthA, lengthB);
        int n2 = n1 > budget ? n1 : Math.Max(n1, budget - n1);
        if (n1 + n2 > budget)
        {
            n1 = budget / 2;
            n2 = n1 + budget % 2;
        }
        return swap ? (n2, n1) : (n1, n2);
    }

    /// <summary>
    /// <c>Encoding::truncate</c>: windows of <paramref name="maxLength"/> tokens starting every maxLength − stride
    /// tokens, stopping after the first that reaches the end. Length 0 keeps nothing and overflows everything.
    /// </summary>
    public static List<(int Start, int End)> Windows(int length, int maxLength, int stride)
    {
        if (maxLength >= length)
            return [(0, length)];
        if (maxLength == 0)
            return [(0, 0), (0, length)];
        if (stride >= maxLength)
            throw new ArgumentException(
                $"Stride {stride} must be smaller than the {maxLength} tokens a truncated sequence keeps per window " +
                "(max length minus the special tokens and the other sequence).", nameof(stride));
        var windows = new List<(int, int)>();
        for (int start = 0; ; start += maxLength - stride)
        {
            int stop = Math.Min(start + maxLength, length);
            windows.Add((start, stop));
            if (stop == length)
                return windows;
        }
    }

    /// <summary>
    /// The windows in the order <c>Encoding::merge_with</c> leaves them: (a0, b0) first; then every later window
    /// of the first sequence with every window of the second; then the first window of the first sequence with
    /// the later windows of the second.
    /// </summary>
    private static List<WindowSpec> Combine(List<(int Start, int End)> a, List<(int Start, int End)> b, bool pair, bool overflow)
    {
        WindowSpec Make((int Start, int End) x, (int Start, int End) y)
            => new(x.Start, x.End, pair ? y.Start : -1, pair ? y.End : -1);

        var result = new List<WindowSpec> { Make(a[0], b[0]) };
        if (!overflow)
            return result;
        for (int i = 1; i < a.Count; i++)
            for (int j = 0; j < b.Count; j++)
                result.Add(Make(a[i], b[j]));
        for (int j = 1; j < b.Count; j++)
            result.Add(Make(a[0], b[j]));
        return result;
    }
}
