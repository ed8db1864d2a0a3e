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

    /// <summary>Token strings when the model reports its own (SentencePiece pieces); null means the vocabulary entries of the ids.</summary>
    public List<string>? Tokens { get; set; }

    public int Count => Ids.Count;

    public void Add(int id, int start, int end, int wordId)
    {
        Ids.Add(id);
        Starts.Add(start);
        Ends.Add(end);
        WordIds.Add(wordId);
    }
}
