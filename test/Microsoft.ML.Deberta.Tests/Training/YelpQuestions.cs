using System.Text.RegularExpressions;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>
/// An extractive QA task built from real text by a fixed rule (documented in TestData/sentiment/README.md): each Yelp
/// sentence of TestData/sentiment with at least three words (runs of ASCII letters) is a context; by its line index
/// mod 3 the question is "What is the first word?", "What is the last word?" or "What is the second word?", and the
/// answer is that word at its offset. Line indices ≡ 0 (mod 5) are the held-out split.
/// </summary>
internal static partial class YelpQuestions
{
    public static string YelpPath => Path.Combine(AppContext.BaseDirectory, "TestData", "sentiment", "yelp_labelled.txt");

    /// <summary>The rows of the training split (line index mod 5 ≠ 0) or of the held-out split.</summary>
    public static List<QuestionAnsweringExample> Rows(bool heldOut)
    {
        var rows = new List<QuestionAnsweringExample>();
        string[] lines = File.ReadAllLines(YelpPath);
        for (int i = 0; i < lines.Length; i++)
        {
            if ((i % 5 == 0) != heldOut)
                continue;
            string sentence = lines[i][..lines[i].LastIndexOf('\t')];
            if (Question(sentence, i) is QuestionAnsweringExample row)
                rows.Add(row);
        }
        return rows;
    }

    private static readonly (string Question, Func<List<Match>, Match> Answer)[] Kinds =
    [
        ("What is the first word?", words => words[0]),
        ("What is the last word?", words => words[^1]),
        ("What is the second word?", words => words[1]),
    ];

    /// <summary>The question of one sentence by the rule above, or null when it has fewer than three words.</summary>
    public static QuestionAnsweringExample? Question(string sentence, int lineIndex)
    {
        var words = Words().Matches(sentence).ToList();
        if (words.Count < 3)
            return null;
        var (question, answerOf) = Kinds[lineIndex % Kinds.Length];
        Match answer = answerOf(words);
        return new QuestionAnsweringExample(question, sentence, answer.Value, answer.Index, $"yelp-{lineIndex}");
    }

    [GeneratedRegex("[A-Za-z]+")]
    private static partial Regex Words();
}
