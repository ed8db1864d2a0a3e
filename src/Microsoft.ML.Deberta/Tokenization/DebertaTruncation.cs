namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// How an input longer than <see cref="DebertaEncodeOptions.MaxLength"/> is shortened; the strategies of
/// transformers' fast tokenizers (<c>truncation=</c>).
/// </summary>
public enum DebertaTruncation
{
    /// <summary>Never truncate (<c>do_not_truncate</c>).</summary>
    None,

    /// <summary>
    /// Truncate the longer sequence first (<c>longest_first</c>): with a budget <c>b</c> and lengths n1 ≤ n2, the
    /// longer keeps max(n1, b − n1) tokens, and when both are too long they get b / 2 and b / 2 + b % 2.
    /// </summary>
    LongestFirst,

    /// <summary>Truncate only the first sequence (<c>only_first</c>); an error if it is too short.</summary>
    OnlyFirst,

    /// <summary>Truncate only the second sequence (<c>only_second</c>, what question answering uses).</summary>
    OnlySecond,
}
