namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>
/// seqeval's <c>get_entities</c> in its default (CoNLL, not strict) mode: prefix tags <c>B-</c>, <c>I-</c>, <c>E-</c>,
/// <c>S-</c> and <c>O</c>; an <c>I-</c> after <c>O</c> or after another type starts an entity, a change of type ends
/// one. Several sentences are read as one sequence with an <c>O</c> after each, so positions count those separators.
/// </summary>
public static class EntityChunker
{
    /// <summary>The entities of one tag sequence, in order.</summary>
    public static IReadOnlyList<EntityChunk> Chunks(IReadOnlyList<string> tags) => ChunksOf(tags);

    /// <summary>The entities of several sentences, positions counted over the sentences joined with an <c>O</c> after each.</summary>
    public static IReadOnlyList<EntityChunk> Chunks(IReadOnlyList<IReadOnlyList<string>> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        return ChunksOf([.. sentences.SelectMany(s => s.Append("O"))]);
    }

    private static List<EntityChunk> ChunksOf(IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var chunks = new List<EntityChunk>();
        char previousTag = 'O';
        string previousType = "";
        int begin = 0;
        for (int i = 0; i <= tags.Count; i++)
        {
            string chunk = i < tags.Count ? tags[i] : "O";
            if (string.IsNullOrEmpty(chunk))
                throw new ArgumentException($"Tag {i} is empty: every position needs a tag such as O, B-PER or I-PER.", nameof(tags));
            char tag = chunk[0];
            string type = chunk[1..];
            int dash = type.IndexOf('-');
            type = dash >= 0 ? type[(dash + 1)..] : type;
            if (type.Length == 0)
                type = "_";
            if (EndsChunk(previousTag, tag, previousType, type))
                chunks.Add(new EntityChunk(previousType, begin, i - 1));
            if (StartsChunk(previousTag, tag, previousType, type))
                begin = i;
            previousTag = tag;
            previousType = type;
        }
        return chunks;
    }

    private static bool EndsChunk(char previous, char tag, string previousType, string type)
        => previous is 'E' or 'S'
            || (previous is 'B' or 'I' && tag is 'B' or 'S' or 'O')
            || (previous != 'O' && previous != '.' && previousType != type);

    private static bool StartsChunk(char previous, char tag, string previousType, string type)
        => tag is 'B' or 'S'
            || (previous is 'E' or 'S' or 'O' && tag is 'E' or 'I')
            || (tag != 'O' && tag != '.' && previousType != type);
}
