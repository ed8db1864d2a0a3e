using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>
/// <c>longest_first</c> truncation of text pairs, v1 and v2/v3, by the rule of the fast tokenizers'
/// <c>truncate_encodings</c> (huggingface/tokenizers, <c>tokenizers/src/utils/truncation.rs</c>, LongestFirst):
/// with n1 = the shorter length and budget = max_length − 3 special tokens,
/// n2 = n1 when n1 &gt; budget, else max(n1, budget − n1); when n1 + n2 &gt; budget still, n1 = budget / 2 and
/// n2 = n1 + budget % 2; the shorter text keeps n1, the longer n2 (on equal lengths the first text counts as the
/// shorter). Each text keeps its first tokens; with overflow each is cut by <c>Encoding::truncate</c> into windows
/// of its length starting every length − stride tokens. Every expected count below is derived by hand from that rule.
/// </summary>
[TestClass]
public sealed class LongestFirstTruncationTests
{
    private static readonly DebertaEncodeOptions NoSpecial = new() { AddSpecialTokens = false };

    // 26 and 20 one-token words for v1 (GPT-2 has "a", "Ġb" … "Ġz" and "A", "ĠB" … "ĠZ" as single tokens).
    private static string Lower(int count) => string.Join(" ", Enumerable.Range(0, count).Select(i => (char)('a' + i)));

    private static string Upper(int count) => string.Join(" ", Enumerable.Range(0, count).Select(i => (char)('A' + i)));

    [TestMethod]
    // (lengthA, lengthB, budget) → (keepA, keepB)
    // first longer, odd budget 21: n1 = 20, n2 = max(20, 1) = 20, 40 > 21 → n1 = 10, n2 = 11; first is the longer → (11, 10)
    [DataRow(26, 20, 21, 11, 10)]
    // second longer, odd budget: same n1/n2, second is the longer → (10, 11)
    [DataRow(20, 26, 21, 10, 11)]
    // equal lengths, odd budget: no swap, the first counts as the shorter → (10, 11)
    [DataRow(20, 20, 21, 10, 11)]
    // equal lengths, even budget 20: n1 = n2 = 10 → (10, 10)
    [DataRow(20, 20, 20, 10, 10)]
    // first longer, even budget 20: n1 = 10, n2 = 10 → (10, 10)
    [DataRow(26, 20, 20, 10, 10)]
    // one text alone over the budget, the other short: n1 = 3, n2 = max(3, 18) = 18, 21 ≤ 21 → the long one keeps 18
    [DataRow(26, 3, 21, 18, 3)]
    [DataRow(3, 26, 21, 3, 18)]
    // both over the budget: n1 = 24 > 21 → n2 = 24; 48 > 21 → 10 and 11, the longer (first) keeps 11
    [DataRow(26, 24, 21, 11, 10)]
    [DataRow(24, 26, 21, 10, 11)]
    // the shorter fits in half the budget: n1 = 8, n2 = max(8, 13) = 13 → (13, 8)
    [DataRow(30, 8, 21, 13, 8)]
    public void KeptLengthsFollowTheFastRule(int lengthA, int lengthB, int budget, int keepA, int keepB)
        => Assert.AreEqual((keepA, keepB), WindowPlanner.LongestFirstLengths(lengthA, lengthB, budget));

    [TestMethod]
    [DataRow(26, 20, 24, 11, 10)]
    [DataRow(20, 26, 24, 10, 11)]
    [DataRow(20, 20, 24, 10, 11)]
    [DataRow(20, 20, 23, 10, 10)]
    [DataRow(26, 3, 24, 18, 3)]
    [DataRow(3, 26, 24, 3, 18)]
    [DataRow(26, 24, 24, 11, 10)]
    public void V1PairsKeepTheFirstTokensOfEachText(int lengthA, int lengthB, int maxLength, int keepA, int keepB)
    {
        DebertaTokenizer tokenizer = V1Tokenizers.Plain;
        string a = Lower(lengthA), b = Upper(lengthB);
        AssertKeepsPrefixes(tokenizer, a, b, lengthA, lengthB, maxLength, keepA, keepB);
    }

    [TestMethod]
    // The same rule for v2/v3: words of the licence texts the golden spm.model was trained on, one piece each.
    [DataRow(26, 20, 24, 11, 10)]
    [DataRow(20, 26, 24, 10, 11)]
    [DataRow(20, 20, 24, 10, 11)]
    [DataRow(20, 20, 23, 10, 10)]
    [DataRow(26, 3, 24, 18, 3)]
    public void V3PairsKeepTheFirstTokensOfEachText(int lengthA, int lengthB, int maxLength, int keepA, int keepB)
    {
        DebertaV2Tokenizer tokenizer = V2Tokenizers.V3;
        AssertKeepsPrefixes(tokenizer, V3Words(lengthA, 0), V3Words(lengthB, 7), lengthA, lengthB, maxLength, keepA, keepB);
    }

    [TestMethod]
    public void OverflowWindowsWithStrideCutEachTextAndComeInMergeOrder()
    {
        // A = 26 tokens, B = 20, max_length 24 (budget 21), stride 2: A keeps 11, B keeps 10 (first row above).
        // Encoding::truncate(11, 2) on A: windows start every 11 − 2 = 9 tokens: [0,11) [9,20) [18,26).
        // Encoding::truncate(10, 2) on B: every 8: [0,10) [8,18) [16,20).
        // merge_with: (a0,b0), then (a1,b0) (a1,b1) (a1,b2) (a2,b0) (a2,b1) (a2,b2), then (a0,b1) (a0,b2): 9 windows.
        DebertaTokenizer tokenizer = V1Tokenizers.Plain;
        string a = Lower(26), b = Upper(20);
        int[] idsA = tokenizer.Encode(a, NoSpecial).InputIds.ToArray(), idsB = tokenizer.Encode(b, NoSpecial).InputIds.ToArray();
        Assert.HasCount(26, idsA, "precondition: 26 one-token words");
        Assert.HasCount(20, idsB, "precondition: 20 one-token words");
        var options = new DebertaEncodeOptions { MaxLength = 24, Truncation = DebertaTruncation.LongestFirst, Stride = 2, ReturnOverflowingTokens = true };
        IReadOnlyList<DebertaEncoding> windows = tokenizer.EncodeBatch([a], [b], options);

        (int, int)[] windowsA = [(0, 11), (9, 20), (18, 26)], windowsB = [(0, 10), (8, 18), (16, 20)];
        int[][] order = [[0, 0], [1, 0], [1, 1], [1, 2], [2, 0], [2, 1], [2, 2], [0, 1], [0, 2]];
        Assert.HasCount(order.Length, windows);
        for (int w = 0; w < order.Length; w++)
        {
            var (startA, endA) = windowsA[order[w][0]];
            var (startB, endB) = windowsB[order[w][1]];
            CollectionAssert.AreEqual(idsA[startA..endA], Part(windows[w], 0), $"window {w}: first text");
            CollectionAssert.AreEqual(idsB[startB..endB], Part(windows[w], 1), $"window {w}: second text");
            Assert.AreEqual(0, windows[w].SampleIndex);
        }
    }

    [TestMethod]
    public void EqualLengthsWithOverflowGiveTheOddTokenToTheSecondText()
    {
        // A = B = 20, max_length 24 (budget 21): (10, 11). Stride 0: A → [0,10) [10,20); B → [0,11) [11,20).
        // merge_with: (a0,b0) (a1,b0) (a1,b1) (a0,b1).
        DebertaTokenizer tokenizer = V1Tokenizers.Plain;
        string a = Lower(20), b = Upper(20);
        int[] idsA = tokenizer.Encode(a, NoSpecial).InputIds.ToArray(), idsB = tokenizer.Encode(b, NoSpecial).InputIds.ToArray();
        var options = new DebertaEncodeOptions { MaxLength = 24, Truncation = DebertaTruncation.LongestFirst, ReturnOverflowingTokens = true };
        IReadOnlyList<DebertaEncoding> windows = tokenizer.EncodeBatch([a], [b], options);
        (int, int)[] windowsA = [(0, 10), (10, 20)], windowsB = [(0, 11), (11, 20)];
        int[][] order = [[0, 0], [1, 0], [1, 1], [0, 1]];
        Assert.HasCount(order.Length, windows);
        for (int w = 0; w < order.Length; w++)
        {
            CollectionAssert.AreEqual(idsA[windowsA[order[w][0]].Item1..windowsA[order[w][0]].Item2], Part(windows[w], 0), $"window {w}: first text");
            CollectionAssert.AreEqual(idsB[windowsB[order[w][1]].Item1..windowsB[order[w][1]].Item2], Part(windows[w], 1), $"window {w}: second text");
        }
    }

    private static void AssertKeepsPrefixes(DebertaTokenizerBase tokenizer, string a, string b, int lengthA, int lengthB, int maxLength, int keepA, int keepB)
    {
        int[] idsA = tokenizer.Encode(a, NoSpecial).InputIds.ToArray(), idsB = tokenizer.Encode(b, NoSpecial).InputIds.ToArray();
        Assert.HasCount(lengthA, idsA, $"precondition: the first text is {lengthA} tokens");
        Assert.HasCount(lengthB, idsB, $"precondition: the second text is {lengthB} tokens");
        DebertaEncoding e = tokenizer.Encode(a, b, new DebertaEncodeOptions { MaxLength = maxLength, Truncation = DebertaTruncation.LongestFirst });
        CollectionAssert.AreEqual(idsA[..keepA], Part(e, 0), "first text");
        CollectionAssert.AreEqual(idsB[..keepB], Part(e, 1), "second text");
        Assert.AreEqual(keepA + keepB + 3, e.Length);
    }

    private static int[] Part(DebertaEncoding e, int sequence) => e.InputIds.Where((_, i) => e.SequenceIds[i] == sequence).ToArray();

    // Words that are single pieces of the golden spm.model (checked by the length preconditions).
    private static readonly string[] s_v3Words =
    [
        "the", "of", "and", "to", "or", "any", "this", "in", "for", "by", "that", "you", "be", "software", "license",
        "with", "is", "as", "not", "work", "on", "are", "such", "under", "all", "other", "from", "use", "copyright", "without",
        "may", "if", "shall", "no", "an", "its",
    ];

    private static string V3Words(int count, int skip) => string.Join(" ", s_v3Words.Skip(skip).Take(count));
}
