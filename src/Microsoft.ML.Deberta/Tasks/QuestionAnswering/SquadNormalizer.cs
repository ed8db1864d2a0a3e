using System.Text;
using System.Text.RegularExpressions;

namespace Microsoft.ML.Deberta.Tasks.QuestionAnswering;

/// <summary>
/// The answer normalisation of the official SQuAD v2.0 evaluation script (<c>normalize_answer</c>, <c>get_tokens</c>):
/// lower-case, drop the characters of Python's <c>string.punctuation</c>, replace the articles a/an/the standing as
/// words (<c>\b(a|an|the)\b</c>) by a space, and squeeze whitespace runs to single spaces, in that order.
/// </summary>
/// <remarks>
/// Ported with Python's character classes: punctuation is only the 32 ASCII characters of <c>string.punctuation</c>
/// (so "—" or "«" stay), a word character of <c>\b</c> is a letter, a number or "_" (Python's <c>\w</c>, so an article
/// next to "é" or "²" is no word of its own), and whitespace is <c>str.split()</c>'s, which also splits at U+001C–U+001F.
/// Lower-casing is .NET's invariant one, which differs from Python's <c>str.lower()</c> only for the few characters
/// Python lowers to two (İ) or by context (final Σ).
/// </remarks>
internal static partial class SquadNormalizer
{
    /// <summary>Python's <c>string.punctuation</c>.</summary>
    public const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /// <summary>Returns <c>normalize_answer(text)</c>.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var kept = new StringBuilder(text.Length);
        foreach (char c in text.ToLowerInvariant())
            if (Punctuation.IndexOf(c) < 0)
                kept.Append(c);
        string withoutArticles = Articles().Replace(kept.ToString(), " ");
        return string.Join(' ', Split(withoutArticles));
    }

    /// <summary>Returns <c>get_tokens(text)</c>: the normalised text split at spaces (none for an empty text).</summary>
    public static IReadOnlyList<string> Tokens(string text) => text.Length == 0 ? [] : Split(Normalize(text));

    /// <summary>Python's <c>str.split()</c> with no argument: runs of whitespace separate, none at the ends.</summary>
    private static string[] Split(string text)
    {
        var parts = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool isSeparator = i == text.Length || IsPythonWhiteSpace(text[i]);
            if (!isSeparator && start < 0)
                start = i;
            else if (isSeparator && start >= 0)
            {
                parts.Add(text[start..i]);
                start = -1;
            }
        }
        return [.. parts];
    }

    /// <summary><c>str.isspace()</c>: .NET's white space plus the information separators U+001C–U+001F.</summary>
    private static bool IsPythonWhiteSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <summary><c>\b(a|an|the)\b</c> with Python's word characters (letters, numbers, "_").</summary>
    [GeneratedRegex(@"(?<![\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])", RegexOptions.CultureInvariant)]
    private static partial Regex Articles();
}
