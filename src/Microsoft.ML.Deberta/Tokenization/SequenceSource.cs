namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// The input one sequence of an encoding came from: a text, or pre-split words (then offsets are relative to the
/// word a token belongs to, as transformers reports them for <c>is_split_into_words=True</c>).
/// </summary>
internal sealed class SequenceSource
{
    private SequenceSource(string? text, IReadOnlyList<string>? words)
    {
        Text = text;
        Words = words;
    }

    public string? Text { get; }

    public IReadOnlyList<string>? Words { get; }

    public static SequenceSource FromText(string text) => new(text, null);

    public static SequenceSource FromWords(IReadOnlyList<string> words) => new(null, words);

    /// <summary>The string a token's offsets index into.</summary>
    public string TextOf(int? wordId)
    {
        if (Text is not null)
            return Text;
        if (wordId is int w && Words is not null && (uint)w < (uint)Words.Count)
            return Words[w];
        throw new InvalidOperationException("A token of a pre-split input has no word id.");
    }
}
