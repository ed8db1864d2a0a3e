namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// transformers 5's DeBERTa-v2 normaliser step <c>Replace(\s{2,}|[\n\r\t], " ")</c>, one character for one so offsets
/// stay where they are: tabs, newlines and every character of a run of two or more whitespace characters become
/// spaces; the SentencePiece engine's whitespace removal then folds the run to one space, as the replacement does.
/// </summary>
internal static class WhitespaceFolding
{
    public static string Apply(string text)
    {
        char[]? result = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == ' ')
                continue;
            bool run = char.IsWhiteSpace(c) && ((i > 0 && char.IsWhiteSpace(text[i - 1])) || (i + 1 < text.Length && char.IsWhiteSpace(text[i + 1])));
            if (c is '\n' or '\r' or '\t' || run)
                (result ??= text.ToCharArray())[i] = ' ';
        }
        return result is null ? text : new string(result);
    }
}
