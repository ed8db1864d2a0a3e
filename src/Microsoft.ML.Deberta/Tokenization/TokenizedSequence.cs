namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// The tokens of one sequence before special tokens, truncation and padding: ids, UTF-16 spans in the source and
/// word ids (added tokens written in the text count as words, as in the <c>tokenizers</c> library).
/// </summary>
internal sealed class TokenizedSequence
{
    public TokenizedSequence(SequenceSource source, int capacity = 16)
    {
        Source = source;
        Ids = new List<int>(capacity);
        Starts = new List<int>(capacity);
        Ends = new List<int>(capacity);
        WordIds = new List<int>(capacity);
    }

    public SequenceSource Source { get; }

    public List<int> Ids { get; }

    public List<int> Starts { get; }

    public List<int> Ends { get; }

    public List<int> WordIds { get; }

    /// <summary>
    /// Token strings that differ from the vocabulary entry of their id (SentencePiece's text of a fused unknown run);
    /// null, or a null entry, means the vocabulary entry. Created on the first such token.
    /// </summary>
    public List<string?>? Tokens { get; private set; }

    /// <summary>
    /// Spans the fast (tokenizer.json) tokenizer gives that differ from ours, by token index: the dummy-prefix "▁"
    /// of a chunk (see <see cref="DebertaEncodeOptions.FastTokenizerOffsets"/>). Null until the first one.
    /// </summary>
    public Dictionary<int, TokenOffset>? FastTokenizerSpans { get; private set; }

    public int Count => Ids.Count;

    /// <summary>Records the fast tokenizer's span of the last token added.</summary>
    public void SetFastTokenizerSpan(int start, int end) => (FastTokenizerSpans ??= [])[Ids.Count - 1] = new TokenOffset(start, end);

    public void Add(int id, int start, int end, int wordId, string? token = null)
    {
        if (token is not null && Tokens is null)
            Tokens = new List<string?>(Enumerable.Repeat<string?>(null, Ids.Count));
        Tokens?.Add(token);
        Ids.Add(id);
        Starts.Add(start);
        Ends.Add(end);
        WordIds.Add(wordId);
    }
}
