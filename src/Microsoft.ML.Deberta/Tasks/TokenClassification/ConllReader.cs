namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>
/// Reads word-level NER data in the CoNLL-2003 layout: one word per line with its tag, a blank line between
/// sentences. A line is <c>word&lt;TAB&gt;tag</c>; a line without a tab is split on whitespace and its first field is
/// the word, its last the tag (the original CoNLL-2003 files: <c>word POS chunk tag</c>). <c>-DOCSTART-</c> lines are
/// document separators and are skipped.
/// </summary>
public static class ConllReader
{
    /// <summary>Reads every sentence of a file (UTF-8).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">A line has no tag; the message names the file and line.</exception>
    public static IReadOnlyList<ConllSentence> ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The CoNLL file '{path}' does not exist.", path);
        using var reader = new StreamReader(path);
        return Read(reader, path);
    }

    /// <summary>Reads every sentence from <paramref name="reader"/>; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="FormatException">A line has no tag.</exception>
    public static IReadOnlyList<ConllSentence> Read(TextReader reader, string source = "input")
    {
        ArgumentNullException.ThrowIfNull(reader);
        var sentences = new List<ConllSentence>();
        var words = new List<string>();
        var tags = new List<string>();
        int lineNumber = 0, firstLine = 0;
        void EndSentence()
        {
            if (words.Count > 0)
                sentences.Add(new ConllSentence([.. words], [.. tags], firstLine));
            words.Clear();
            tags.Clear();
        }
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                EndSentence();
                continue;
            }
            if (line.StartsWith("-DOCSTART-", StringComparison.Ordinal))
            {
                EndSentence();
                continue;
            }
            string[] fields = line.Contains('\t') ? line.Split('\t') : line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            string word = fields[0], tag = fields[^1].Trim();
            if (fields.Length < 2 || word.Length == 0 || tag.Length == 0)
                throw new FormatException($"{source}, line {lineNumber}: '{line}' is not 'word<TAB>tag'. Put each word and its tag on one line, and a blank line between sentences.");
            if (words.Count == 0)
                firstLine = lineNumber;
            words.Add(word);
            tags.Add(tag);
        }
        EndSentence();
        return sentences;
    }
}
