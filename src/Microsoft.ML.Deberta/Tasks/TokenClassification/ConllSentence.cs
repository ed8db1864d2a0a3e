namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>One sentence of a CoNLL-style file: its words and one tag per word.</summary>
/// <param name="Words">The words, in order.</param>
/// <param name="Tags">The tag of each word (e.g. <c>B-PER</c>).</param>
/// <param name="Line">The 1-based line of its first word, for messages.</param>
public sealed record ConllSentence(IReadOnlyList<string> Words, IReadOnlyList<string> Tags, int Line)
{
    /// <summary>Gets the words joined with single spaces: the text column of ML.NET's NER convention.</summary>
    public string Text => string.Join(' ', Words);
}
