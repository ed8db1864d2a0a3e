namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// Splits raw text at literal occurrences of added tokens the way the <c>tokenizers</c> library does: leftmost
/// match first, the longest token when several start at the same place; <c>lstrip</c> extends a match left over
/// whitespace (not into an earlier match), <c>rstrip</c> right over whitespace. Whitespace is
/// <see cref="char.IsWhiteSpace(char)"/>, the Unicode White_Space property Rust's <c>char::is_whitespace</c> uses.
/// </summary>
internal sealed class AddedTokenSplitter
{
    // Candidates per first character, longest first, so the first full match at a position is the longest.
    private readonly Dictionary<char, AddedToken[]> _byFirstChar;
    private readonly System.Buffers.SearchValues<char> _firstChars;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        _byFirstChar = tokens
            .Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ThenBy(t => t.Id).ToArray());
        _firstChars = System.Buffers.SearchValues.Create(_byFirstChar.Keys.ToArray());
    }

    /// <summary>Appends the chunks of <paramref name="text"/> (non-empty text pieces and matches) in order.</summary>
    public void Split(string text, List<TextChunk> chunks)
    {
        int previousEnd = 0; // end of the last emitted chunk
        int searchFrom = 0;
        while (searchFrom < text.Length)
        {
            int found = text.AsSpan(searchFrom).IndexOfAny(_firstChars);
            if (found < 0)
                break;
            int position = searchFrom + found;
            AddedToken? match = MatchAt(text, position);
            if (match is null)
            {
                searchFrom = position + 1;
                continue;
            }
            int start = position, end = position + match.Content.Length;
            if (match.LStrip)
                while (start > previousEnd && char.IsWhiteSpace(text[start - 1]))
                    start--;
            if (match.RStrip)
                while (end < text.Length && char.IsWhiteSpace(text[end]))
                    end++;
            if (start > previousEnd)
                chunks.Add(new TextChunk(previousEnd, start, null));
            chunks.Add(new TextChunk(start, end, match));
            previousEnd = searchFrom = end;
        }
        if (previousEnd < text.Length)
            chunks.Add(new TextChunk(previousEnd, text.Length, null));
    }

    private AddedToken? MatchAt(string text, int position)
    {
        foreach (AddedToken candidate in _byFirstChar[text[position]])
            if (text.AsSpan(position).StartsWith(candidate.Content, StringComparison.Ordinal))
                return candidate;
        return null;
    }
}
