namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// A piece of raw text between added-token matches, or one match (<see cref="Token"/> set; its span includes any
/// whitespace it absorbed).
/// </summary>
internal readonly record struct TextChunk(int Start, int End, AddedToken? Token)
{
    public bool IsAddedToken => Token is not null;
}
