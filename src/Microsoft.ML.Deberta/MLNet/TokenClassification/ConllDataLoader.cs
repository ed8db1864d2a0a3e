using Microsoft.ML.Deberta.Tasks.TokenClassification;

namespace Microsoft.ML.Deberta;

/// <summary>Loads word-level NER data in the CoNLL-2003 layout into an <see cref="IDataView"/>.</summary>
public static class ConllDataLoader
{
    /// <summary>One sentence: its words joined by spaces, and one tag per word.</summary>
    private sealed class Sentence
    {
        public string Text { get; set; } = "";

        public string[] Label { get; set; } = [];
    }

    /// <summary>
    /// Reads a CoNLL-style file (one <c>word&lt;TAB&gt;tag</c> per line, or <c>word POS chunk tag</c>; a blank line between
    /// sentences; <c>-DOCSTART-</c> lines skipped) into rows of <c>Text</c> (the words joined by single spaces) and
    /// <c>Label</c> (a vector of tag strings, one per word). Map the tags to keys before training:
    /// <c>mlContext.Transforms.Conversion.MapValueToKey("Label")</c>.
    /// </summary>
    /// <param name="data">The data catalog (<c>mlContext.Data</c>).</param>
    /// <param name="path">The file (UTF-8).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">A line has no tag, or a word contains whitespace; the message names the line.</exception>
    public static IDataView LoadFromConllFile(this DataOperationsCatalog data, string path)
    {
        ArgumentNullException.ThrowIfNull(data);
        var sentences = ConllReader.ReadFile(path);
        var rows = sentences.Select(s =>
        {
            int spaced = s.Words.ToList().FindIndex(w => w.Any(char.IsWhiteSpace));
            if (spaced >= 0)
                throw new FormatException($"{path}, line {s.Line + spaced}: the word '{s.Words[spaced]}' contains whitespace; " +
                    "NER rows split their text at whitespace, so a word cannot hold any.");
            return new Sentence { Text = s.Text, Label = [.. s.Tags] };
        }).ToList();
        return data.LoadFromEnumerable(rows);
    }
}
