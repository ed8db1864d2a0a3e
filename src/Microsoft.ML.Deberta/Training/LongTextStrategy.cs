namespace Microsoft.ML.Deberta;

/// <summary>What to do with a text longer than the maximum sequence length.</summary>
public enum LongTextStrategy
{
    /// <summary>Keep the first tokens (transformers' longest_first truncation for pairs).</summary>
    Truncate,
    /// <summary>Keep the first and the last tokens of the text, dropping the middle (a quarter head, the rest tail).</summary>
    HeadAndTail,
    /// <summary>Cut the text into overlapping windows; training uses every window, scoring averages their logits.</summary>
    SlidingWindows,
}
