using Microsoft.ML.Deberta.Tests.MLNet;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>
/// The masking of masked-LM training against DataCollatorForLanguageModeling's rules, counted over many draws on real
/// Yelp sentences (TestData/sentiment) tokenized by the v1 tokenizer: 15% of the non-special tokens selected, of those
/// 80% [MASK], 10% a random id, 10% unchanged; special tokens and padding never; whole-word masking takes all pieces
/// of a word or none.
/// </summary>
[TestClass]
public sealed class LanguageModelingMaskerTests
{
    private static readonly Lazy<DebertaTokenizerBase> Tokenizer = new(() => DebertaTokenizerBase.FromFolder(DebertaTestData.V1TokenizerFolder));

    internal static IReadOnlyList<string> YelpSentences() =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "sentiment", "yelp_labelled.txt"))
            .Where(l => l.Trim().Length > 0).Select(l => l.Split('\t')[0]).ToList();

    private static List<LanguageModelingExample> Examples() =>
        [.. Tokenizer.Value.EncodeBatch(YelpSentences()).Select(LanguageModelingExamples.FromEncoding)];

    private sealed record Counts(long Candidates, long Selected, long Masked, long Randomised, long Unchanged, long SpecialsTouched);

    private static Counts Draw(LanguageModelingMasker masker, IReadOnlyList<LanguageModelingExample> examples, int rounds, int seed,
        Action<LanguageModelingExample, long[], long[]>? inspect = null)
    {
        long candidates = 0, selected = 0, masked = 0, randomised = 0, unchanged = 0, specials = 0;
        var random = new Random(seed);
        int maskId = Tokenizer.Value.MaskTokenId;
        for (int round = 0; round < rounds; round++)
            foreach (var e in examples)
            {
                var inputs = new long[e.InputIds.Length];
                var labels = new long[e.InputIds.Length];
                masker.Mask(e, random, inputs, labels);
                inspect?.Invoke(e, inputs, labels);
                for (int t = 0; t < inputs.Length; t++)
                {
                    if (e.SpecialTokens[t])
                    {
                        if (labels[t] != -100 || inputs[t] != e.InputIds[t]) specials++;
                        continue;
                    }
                    candidates++;
                    if (labels[t] == -100)
                    {
                        Assert.AreEqual(e.InputIds[t], inputs[t], "an unselected token keeps its id");
                        continue;
                    }
                    Assert.AreEqual(e.InputIds[t], labels[t], "the label is the original id");
                    selected++;
                    if (inputs[t] == maskId) masked++;
                    else if (inputs[t] == e.InputIds[t]) unchanged++;
                    else randomised++;
                }
            }
        return new Counts(candidates, selected, masked, randomised, unchanged, specials);
    }

    private static void AssertSplit(Counts c, string what)
    {
        double mask = (double)c.Masked / c.Selected, rand = (double)c.Randomised / c.Selected, keep = (double)c.Unchanged / c.Selected;
        Console.WriteLine($"{what}: {c.Selected} of {c.Candidates} tokens selected ({(double)c.Selected / c.Candidates:P2}); " +
            $"[MASK] {mask:P2}, random {rand:P2}, unchanged {keep:P2}");
        // Binomial standard deviations with ≥ 40,000 selections are ≤ 0.2 points; the tolerance is ≥ 4 of them.
        Assert.IsGreaterThan(40_000, c.Selected);
        Assert.AreEqual(0.8, mask, 0.01, "80% become the mask token");
        Assert.AreEqual(0.1, rand, 0.008, "10% become a random token");
        Assert.AreEqual(0.1, keep, 0.008, "10% stay unchanged");
        Assert.AreEqual(0, c.SpecialsTouched, "special tokens are never selected or changed");
    }

    [TestMethod]
    public void TokenMaskingSelects15PercentAndSplits80_10_10WithoutTouchingSpecials()
    {
        var tokenizer = Tokenizer.Value;
        var masker = new LanguageModelingMasker(tokenizer.MaskTokenId, tokenizer.VocabularySize, 0.15, wholeWords: false);
        var c = Draw(masker, Examples(), rounds: 20, seed: 3);
        double rate = (double)c.Selected / c.Candidates;
        Assert.AreEqual(0.15, rate, 0.003, "15% of the non-special tokens are selected");
        AssertSplit(c, "token masking");
    }

    [TestMethod]
    public void WholeWordMaskingTakesEveryPieceOfAWordOrNone()
    {
        var tokenizer = Tokenizer.Value;
        var masker = new LanguageModelingMasker(tokenizer.MaskTokenId, tokenizer.VocabularySize, 0.15, wholeWords: true);
        var examples = Examples();
        long multiPieceWordsSelected = 0, lengthTargetsMet = 0, sequences = 0;
        var c = Draw(masker, examples, rounds: 20, seed: 5, inspect: (e, _, labels) =>
        {
            sequences++;
            foreach (var word in Enumerable.Range(0, e.InputIds.Length).Where(t => !e.SpecialTokens[t]).GroupBy(t => e.WordIds[t]))
            {
                var states = word.Select(t => labels[t] != -100).Distinct().ToList();
                Assert.HasCount(1, states, $"word {word.Key} of a sequence is partly selected");
                if (states[0] && word.Count() > 1) multiPieceWordsSelected++;
            }
            int target = Math.Max(1, (int)Math.Round(e.InputIds.Length * 0.15, MidpointRounding.ToEven));
            int selected = labels.Count(l => l != -100);
            Assert.IsLessThanOrEqualTo(target, selected, "never more than round(length × 0.15) positions");
            if (selected == target) lengthTargetsMet++;
        });
        Console.WriteLine($"whole-word masking: {multiPieceWordsSelected} multi-piece words selected whole; " +
            $"{lengthTargetsMet} of {sequences} sequences got exactly round(length × 0.15) positions");
        Assert.IsGreaterThan(500, multiPieceWordsSelected, "the data has multi-piece words and they were selected whole");
        Assert.IsGreaterThan(sequences * 9 / 10, lengthTargetsMet, "words are taken until the budget is met, as transformers does");
        AssertSplit(c, "whole-word masking");
    }

    [TestMethod]
    public void TheSameSeedDrawsTheSameMasksAndAnotherSeedOthers()
    {
        var tokenizer = Tokenizer.Value;
        var masker = new LanguageModelingMasker(tokenizer.MaskTokenId, tokenizer.VocabularySize, 0.15, wholeWords: false);
        var examples = Examples().Take(50).ToList();
        string Run(int seed)
        {
            var parts = new List<string>();
            Draw(masker, examples, 1, seed, (_, inputs, labels) => parts.Add(string.Join(",", inputs) + "|" + string.Join(",", labels)));
            return string.Join(";", parts);
        }
        Assert.AreEqual(Run(9), Run(9));
        Assert.AreNotEqual(Run(9), Run(10));
    }

    [TestMethod]
    public void PaddingIsNeverATargetAndKeepsThePadId()
    {
        var tokenizer = Tokenizer.Value;
        var masker = new LanguageModelingMasker(tokenizer.MaskTokenId, tokenizer.VocabularySize, 0.5, wholeWords: false);
        var examples = Examples().Take(64).ToList();
        var random = new Random(1);
        var rows = examples.Select(e => MaskedSequence.Draw(e, masker, random)).ToList();
        using var scope = NewDisposeScope();
        var (batch, labels) = MaskedSequence.Batch(rows, padId: 0, CPU);
        var ids = batch.InputIds.data<long>().ToArray();
        var mask = batch.AttentionMask.data<long>().ToArray();
        var targets = labels.data<long>().ToArray();
        int padded = 0;
        for (int i = 0; i < ids.Length; i++)
            if (mask[i] == 0)
            {
                padded++;
                Assert.AreEqual(0L, ids[i], "padding keeps the pad id");
                Assert.AreEqual(-100L, targets[i], "padding is never a target");
            }
        Assert.IsGreaterThan(100, padded, "the batch has padding to check");
        Assert.AreEqual(rows.Sum(r => r.TargetCount), targets.Count(t => t != -100));
    }

    [TestMethod]
    public void AMaskProbabilityOutside0To1IsRefused()
    {
        foreach (var p in new[] { 0.0, 1.0, -0.1, 1.5, double.NaN })
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MaskedLMTrainer(new MaskedLMTrainingOptions { MaskProbability = p }));
            Assert.AreEqual(nameof(MaskedLMTrainingOptions.MaskProbability), e.ParamName);
            StringAssert.Contains(e.Message, "strictly between 0 and 1");
        }
    }
}
