using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>The shared encoding layer (truncation, windows, padding, batches, offsets), exercised through v1.</summary>
[TestClass]
public sealed class EncodingApiTests
{
    private static readonly DebertaEncodeOptions NoSpecial = new() { AddSpecialTokens = false };

    [TestMethod]
    public void LongestFirstFollowsTheFastTokenizerRule()
    {
        // Spec §8.5: with n1 <= n2, n2' = n1 if n1 > budget else max(n1, budget - n1); both cut to budget/2 (+ budget%2 for the longer) when still too long.
        Assert.AreEqual((5, 16), WindowPlanner.LongestFirstLengths(5, 30, 21));
        Assert.AreEqual((16, 5), WindowPlanner.LongestFirstLengths(30, 5, 21));
        Assert.AreEqual((10, 11), WindowPlanner.LongestFirstLengths(30, 40, 21));
        Assert.AreEqual((11, 10), WindowPlanner.LongestFirstLengths(40, 30, 21));
        Assert.AreEqual((10, 11), WindowPlanner.LongestFirstLengths(20, 20, 21));
        Assert.AreEqual((12, 12), WindowPlanner.LongestFirstLengths(12, 12, 24));
    }

    [TestMethod]
    public void WindowsFollowTheTokenizersStrideRule()
    {
        CollectionAssert.AreEqual(new[] { (0, 10), (6, 16), (12, 22), (18, 25) }, WindowPlanner.Windows(25, 10, 4).ToArray());
        CollectionAssert.AreEqual(new[] { (0, 10), (10, 20) }, WindowPlanner.Windows(20, 10, 0).ToArray());
        CollectionAssert.AreEqual(new[] { (0, 7) }, WindowPlanner.Windows(7, 10, 4).ToArray());
        Assert.ThrowsExactly<ArgumentException>(() => WindowPlanner.Windows(25, 10, 10));
    }

    [TestMethod]
    public void OverflowWindowsCoverTheWholeContextLikeTransformers4()
    {
        // tokenizers <= 0.22 (transformers 4.x): windows over the whole context. (The reference files were written
        // by 0.23.2, which stops tokenizing at max_length; the parity test emulates that, this test does not.)
        DebertaTokenizer tokenizer = V1Tokenizers.Plain;
        foreach (var testCase in GoldenCases.OfKind("deberta-v1.cases.json", "pair_overflow"))
        {
            string question = testCase.GetProperty("text").GetString()!, context = testCase.GetProperty("text_pair").GetString()!;
            int maxLength = testCase.GetProperty("max_length").GetInt32(), stride = testCase.GetProperty("stride").GetInt32();
            var options = new DebertaEncodeOptions { MaxLength = maxLength, Stride = stride, Truncation = DebertaTruncation.OnlySecond, ReturnOverflowingTokens = true };
            DebertaEncoding first = tokenizer.Encode(question, context, options);
            var windows = new[] { first }.Concat(first.Overflowing).ToArray();

            int[] questionIds = tokenizer.Encode(question, NoSpecial).InputIds.ToArray();
            int[] contextIds = tokenizer.Encode(context, NoSpecial).InputIds.ToArray();
            int window = maxLength - 3 - questionIds.Length, step = window - stride;
            Assert.AreEqual((int)Math.Ceiling((contextIds.Length - window) / (double)step) + 1, windows.Length);
            CollectionAssert.AreEqual(GoldenJson.Ints(testCase.GetProperty("windows").GetProperty("input_ids")[0]), first.InputIds.ToArray());
            for (int w = 0; w < windows.Length; w++)
            {
                DebertaEncoding e = windows[w];
                Assert.AreEqual(0, e.SampleIndex);
                CollectionAssert.AreEqual(questionIds, e.InputIds.Skip(1).Take(questionIds.Length).ToArray());
                int[] part = e.InputIds.Where((_, i) => e.SequenceIds[i] == 1).ToArray();
                CollectionAssert.AreEqual(contextIds.Skip(w * step).Take(window).ToArray(), part, $"window {w}");
                CollectionAssert.AreEqual(e.SequenceIds.Select((s, i) => s == 1 || i == e.Length - 1 ? 1 : 0).ToArray(), e.TokenTypeIds.ToArray());
                Assert.AreEqual(tokenizer.SepTokenId, e.InputIds[^1]);
            }
            Assert.AreEqual(contextIds.Length, (windows.Length - 1) * step + windows[^1].SequenceIds.Count(s => s == 1));
        }
    }

    [TestMethod]
    public void LongestFirstOverflowOrderMatchesTokenizersMerge()
    {
        DebertaTokenizer tokenizer = V1Tokenizers.Plain;
        string a = string.Join(" ", Enumerable.Range(0, 12).Select(i => "alpha" + i)), b = string.Join(" ", Enumerable.Range(0, 14).Select(i => "beta" + i));
        var options = new DebertaEncodeOptions { MaxLength = 19, Truncation = DebertaTruncation.LongestFirst, ReturnOverflowingTokens = true };
        IReadOnlyList<DebertaEncoding> windows = tokenizer.EncodeBatch([a], [b], options);
        int lengthA = tokenizer.Encode(a, NoSpecial).Length, lengthB = tokenizer.Encode(b, NoSpecial).Length;
        (int keepA, int keepB) = WindowPlanner.LongestFirstLengths(lengthA, lengthB, 16);
        int windowsA = (int)Math.Ceiling((double)lengthA / keepA), windowsB = (int)Math.Ceiling((double)lengthB / keepB);
        // (a0,b0), then (ai,bj) for i >= 1 and every j, then (a0,bj) for j >= 1.
        Assert.AreEqual(windowsA * windowsB, windows.Count);
        DebertaEncoding fullA = tokenizer.Encode(a, NoSpecial), fullB = tokenizer.Encode(b, NoSpecial);
        var order = windows.Select(w => (StartIndex(w, 0, fullA), StartIndex(w, 1, fullB))).ToArray();
        var expected = new List<(int, int)> { (0, 0) };
        for (int i = 1; i < windowsA; i++)
            for (int j = 0; j < windowsB; j++)
                expected.Add((i * keepA, j * keepB));
        for (int j = 1; j < windowsB; j++)
            expected.Add((0, j * keepB));
        CollectionAssert.AreEqual(expected, order);

        // Index in the untruncated sequence of the window's first token of that sequence.
        static int StartIndex(DebertaEncoding window, int sequence, DebertaEncoding full)
            => full.Offsets.ToList().IndexOf(window.Offsets[Enumerable.Range(0, window.Length).First(i => window.SequenceIds[i] == sequence)]);
    }

    [TestMethod]
    public void PaddingMarksPadsLikeTransformers()
    {
        DebertaTokenizer tokenizer = V1Tokenizers.Plain;
        IReadOnlyList<DebertaEncoding> batch = tokenizer.EncodeBatch(["Hello world", "A much longer sentence than the first one"], ["x", null],
            new DebertaEncodeOptions { Padding = DebertaPadding.Longest, PadToMultipleOf = 8 });
        Assert.AreEqual(16, batch[0].Length);
        Assert.AreEqual(16, batch[1].Length);
        DebertaEncoding e = batch[0];
        int real = e.AttentionMask.Sum();
        Assert.AreEqual(6, real); // [CLS] Hello Ġworld [SEP] x [SEP]
        for (int i = real; i < e.Length; i++)
        {
            Assert.AreEqual(tokenizer.PadTokenId, e.InputIds[i]);
            Assert.AreEqual(0, e.TokenTypeIds[i]);
            Assert.AreEqual(1, e.SpecialTokensMask[i]);
            Assert.AreEqual(new TokenOffset(0, 0), e.Offsets[i]);
            Assert.IsNull(e.WordIds[i]);
            Assert.IsNull(e.SequenceIds[i]);
            Assert.AreEqual("[PAD]", e.Tokens[i]);
        }
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 0, 1, 1 }, e.TokenTypeIds.Take(6).ToArray());
        Assert.AreEqual(1, batch[1].SampleIndex);
        Assert.AreEqual(20, tokenizer.Encode("Hello", new DebertaEncodeOptions { MaxLength = 20, Padding = DebertaPadding.MaxLength }).Length);
    }

    [TestMethod]
    public void BatchEncodingEqualsOneByOne()
    {
        DebertaTokenizer tokenizer = V1Tokenizers.Plain;
        string[] texts = V1Tokenizers.YelpSentences().ToArray();
        string?[] pairs = texts.Select((t, i) => i % 3 == 0 ? null : texts[(i + 7) % texts.Length]).ToArray();
        var options = new DebertaEncodeOptions { MaxLength = 24, Truncation = DebertaTruncation.LongestFirst, ReturnOverflowingTokens = true, Stride = 4 };
        IReadOnlyList<DebertaEncoding> batch = tokenizer.EncodeBatch(texts, pairs, options);
        var single = texts.SelectMany((t, i) => { DebertaEncoding e = tokenizer.Encode(t, pairs[i], options); return new[] { e }.Concat(e.Overflowing); }).ToArray();
        Assert.AreEqual(single.Length, batch.Count);
        for (int i = 0; i < single.Length; i++)
        {
            CollectionAssert.AreEqual(single[i].InputIds.ToArray(), batch[i].InputIds.ToArray());
            CollectionAssert.AreEqual(single[i].Offsets.ToArray(), batch[i].Offsets.ToArray());
        }
        CollectionAssert.AreEqual(Enumerable.Range(0, texts.Length).ToArray(), batch.Select(e => e.SampleIndex).Distinct().ToArray());
    }

    [TestMethod]
    public void PreSplitWordsCarryWordIdsAndWordRelativeOffsets()
    {
        DebertaTokenizer tokenizer = V1Tokenizers.WithPrefixSpace;
        DebertaEncoding e = tokenizer.EncodeWords(["EU", "rejects", "German"], ["call", "to", "boycott"]);
        CollectionAssert.AreEqual(new int?[] { null, 0, 1, 2, null, 0, 1, 2, null }, e.WordIds.ToArray());
        CollectionAssert.AreEqual(new int?[] { null, 0, 0, 0, null, 1, 1, 1, null }, e.SequenceIds.ToArray());
        Assert.AreEqual(new TokenOffset(0, 7), e.GetCodePointOffsets()[7]); // "boycott" -> "Ġboycott", relative to its word
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 0, 0, 1, 1, 1, 1 }, e.TokenTypeIds.ToArray());
    }

    [TestMethod]
    public void CodePointOffsetsCountSurrogatePairsOnce()
    {
        const string text = "a👍b\ud800c";
        Assert.AreEqual(2, CodePointIndex.FromUtf16(text, 3));
        Assert.AreEqual(3, CodePointIndex.ToUtf16(text, 2));
        Assert.AreEqual(5, CodePointIndex.FromUtf16(text, text.Length));
        CollectionAssert.AreEqual(new[] { new TokenOffset(1, 2), new TokenOffset(3, 4) },
            CodePointIndex.FromUtf16(text, [new TokenOffset(1, 3), new TokenOffset(4, 5)]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CodePointIndex.FromUtf16(text, 99));
    }

    [TestMethod]
    public void EmptySecondTextIsNoSecondTextForV1()
    {
        DebertaTokenizer tokenizer = V1Tokenizers.Plain;
        CollectionAssert.AreEqual(tokenizer.Encode("What is this?").InputIds.ToArray(), tokenizer.Encode("What is this?", "").InputIds.ToArray());
    }
}
