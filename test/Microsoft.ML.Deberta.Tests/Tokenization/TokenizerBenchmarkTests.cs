using System.Diagnostics;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>
/// Tokens per second over the 1,000 Yelp sentences of TestData/sentiment (CC BY 4.0, see its README.md): one
/// sentence at a time on one thread, and the batch path. Runs in the normal suite (about two seconds).
/// </summary>
[TestClass]
public sealed class TokenizerBenchmarkTests
{
    [TestMethod]
    [TestCategory("Benchmark")]
    public void PrintsTokensPerSecond()
    {
        IReadOnlyList<string> sentences = V1Tokenizers.YelpSentences();
        Assert.AreEqual(1000, sentences.Count);

        DebertaTokenizer v1 = V1Tokenizers.Plain;
        Measure("deberta-v1", v1, sentences);

        // Baseline: Microsoft.ML.Tokenizers alone (ids only, no offsets, word ids or special tokens).
        string folder = TokenizerGoldenRoot.BundledTokenizer("deberta-v1");
        BpeTokenizer bpe = BpeTokenizer.Create(new BpeOptions(Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt"))
        { ByteLevel = true, PreTokenizer = RobertaPreTokenizer.Instance });
        (double rate, int tokens) = Rate(() => sentences.Sum(s => bpe.EncodeToIds(s).Count));
        Console.WriteLine($"Microsoft.ML.Tokenizers BpeTokenizer alone: {rate:N0} tokens/s single-thread ({tokens} tokens per pass)");
    }

    internal static void Measure(string name, DebertaTokenizerBase tokenizer, IReadOnlyList<string> sentences)
    {
        (double single, int tokens) = Rate(() => sentences.Sum(s => tokenizer.Encode(s).Length));
        (double batch, _) = Rate(() => tokenizer.EncodeBatch(sentences).Sum(e => e.Length));
        Console.WriteLine($"{name}: {single:N0} tokens/s single-thread Encode, {batch:N0} tokens/s EncodeBatch " +
            $"({Environment.ProcessorCount} cores; {tokens} tokens per pass over {sentences.Count} sentences)");
        Assert.IsTrue(single > 0 && batch > 0);
    }

    /// <summary>
    /// Warms up for 0.3 s (so the JIT's optimised tiers are in place), then repeats the pass for 0.5 s; returns
    /// tokens per second. The machine is shared: read the figures as ratios within one run.
    /// </summary>
    private static (double Rate, int Tokens) Rate(Func<int> pass)
    {
        int tokens = pass();
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed.TotalSeconds < 0.3)
            pass();
        int passes = 0;
        var watch = Stopwatch.StartNew();
        do
        {
            pass();
            passes++;
        }
        while (watch.Elapsed.TotalSeconds < 0.5);
        return (tokens * passes / watch.Elapsed.TotalSeconds, tokens);
    }
}
