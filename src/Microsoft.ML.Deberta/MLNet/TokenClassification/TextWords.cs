namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The words of ML.NET's NER convention: a text split at whitespace (runs of spaces, tabs and line breaks), each word
/// with its character index in the text, so that entity spans can point back into the text.
/// </summary>
internal static class TextWords
{
    /// <summary>The words of <paramref name="text"/> and where each starts.</summary>
    public static (string[] Words, int[] Starts) Split(string text)
    {
        var words = new List<string>();
        var starts = new List<int>();
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
                i++;
            int start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
                i++;
            if (i > start)
            {
                words.Add(text[start..i]);
                starts.Add(start);
            }
        }
        return ([.. words], [.. starts]);
    }
}
