using System.Diagnostics;
using Microsoft.ML.Deberta.Tests.Tokenization;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>
/// <see cref="LongTextStrategy.Truncate"/> on a single text stops tokenizing once it has enough tokens: the ids are
/// the tokenizer's own <c>longest_first</c> truncation of the whole text (v1 byte-level BPE and v3 SentencePiece,
/// golden texts and long texts built from them), and a very long text costs about as much as a short one.
/// </summary>
[TestClass]
public sealed class TruncationEarlyStopTests
{
    private static readonly Lazy<DebertaTokenizerBase> V1 = new(() => DebertaTokenizerBase.FromFolder(GoldenData.Bundled("tokenizer", "deberta-v1")));
    private static readonly Lazy<DebertaTokenizerBase> V3 = new(() => DebertaTokenizerBase.FromFolder(GoldenData.Bundled("tokenizer", "deberta-v3")));

    private static IEnumerable<(string Name, DebertaTokenizerBase Tokenizer, string Cases)> Tokenizers() =>
        [("v1", V1.Value, "deberta-v1.cases.json"), ("v3", V3.Value, "deberta-v3.cases.json")];

    /// <summary>The golden single texts, and long texts made of them joined by every kind of whitespace.</summary>
    private static List<string> Texts(string casesFile)
    {
        var golden = GoldenCases.OfKind(casesFile, "single").Select(c => c.GetProperty("text").GetString()!).ToList();
        var texts = new List<string>(golden);
        string[] joints = [" ", "  ", "\n", "\t \n", " \u3000 ", "\u00a0", ""];
        for (int i = 0; i < joints.Length; i++)
            texts.Add(string.Join(joints[i], Enumerable.Range(0, 40).Select(k => golden[(k * 7 + i) % golden.Count])));
        texts.Add(string.Concat(Enumerable.Repeat("word ", 3000)));
        texts.Add(new string('x', 5000));
        texts.Add(string.Concat(Enumerable.Repeat("😀 ", 500)));
        return texts;
    }

    [TestMethod]
    public void TruncatedIdsAreTheTokenizersOwnTruncationOfTheWholeText()
    {
        foreach (var (name, tokenizer, cases) in Tokenizers())
        {
            var texts = Texts(cases);
            foreach (int maxLength in new[] { 3, 5, 16, 64, 512 })
            {
                var examples = ExampleEncoder.Encode(tokenizer, texts, null, maxLength, LongTextStrategy.Truncate, stride: 0);
                var expected = tokenizer.EncodeBatch(texts, new DebertaEncodeOptions { MaxLength = maxLength, Truncation = DebertaTruncation.LongestFirst });
                Assert.HasCount(texts.Count, examples);
                for (int i = 0; i < texts.Count; i++)
                    CollectionAssert.AreEqual(expected[i].InputIds.ToArray(), examples[i].InputIds,
                        $"{name}, max length {maxLength}, text {i}: {texts[i][..Math.Min(60, texts[i].Length)]}");
            }
        }
    }

    [TestMethod]
    public void AVeryLongTextCostsAboutAsMuchAsAShortOneToTruncate()
    {
        foreach (var (name, tokenizer, _) in Tokenizers())
        {
            string sentence = "The quick brown fox jumps over the lazy dog near the river bank. ";
            string shortText = string.Concat(Enumerable.Repeat(sentence, 40));      // ~2.6 k characters
            string longText = string.Concat(Enumerable.Repeat(sentence, 40_000));   // ~2.6 M characters
            ExampleEncoder.Encode(tokenizer, [shortText], null, 128, LongTextStrategy.Truncate, 0); // warm-up
            double shortTime = Median(() => ExampleEncoder.Encode(tokenizer, [shortText], null, 128, LongTextStrategy.Truncate, 0));
            double longTime = Median(() => ExampleEncoder.Encode(tokenizer, [longText], null, 128, LongTextStrategy.Truncate, 0));
            Console.WriteLine($"{name}: truncating 2.6 M characters to 128 tokens takes {longTime / shortTime:F1}x the time for 2.6 k ({longTime:F2} ms vs {shortTime:F2} ms)");
            Assert.IsLessThan(20.0, longTime / shortTime, $"{name}: {longTime:F2} ms for the long text, {shortTime:F2} ms for the short one");
        }
    }

    private static double Median(Action action)
    {
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return times.Order().ElementAt(2);
    }
}
