using System.Text.Json;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>
/// <see cref="DebertaEncodeOptions.FastTokenizerOffsets"/> against the offsets transformers 5.17's fast tokenizer
/// returned (deberta-v3.transformers5.cases.json, <c>offset_mapping</c> in code points), and the default against
/// sentencepiece's (deberta-v3.cases.json), where the dummy-prefix "▁" has an empty span.
/// </summary>
[TestClass]
public sealed class FastTokenizerOffsetsTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void FastOffsetsEqualTransformers5OnEveryEncoding()
    {
        var tokenizer = DebertaTokenizerBase.FromFolder(GoldenData.Bundled("tokenizer", "deberta-v3-tokenizer-json"));
        int compared = 0, differFromDefault = 0;
        foreach (var (where, text, pair, options, expected) in TokenizerJsonV3Tests.Transformers5Encodings())
        {
            var fast = new DebertaEncodeOptions
            {
                AddSpecialTokens = options.AddSpecialTokens, MaxLength = options.MaxLength, Truncation = options.Truncation,
                Padding = options.Padding, EmulateTokenizersEarlyExit = true, FastTokenizerOffsets = true,
            };
            DebertaEncoding actual = tokenizer.Encode(text, pair, fast);
            CollectionAssert.AreEqual(GoldenJson.Offsets(expected.GetProperty("offset_mapping")), actual.GetCodePointOffsets().ToArray(), where);
            if (!tokenizer.Encode(text, pair, options).GetCodePointOffsets().SequenceEqual(actual.GetCodePointOffsets()))
                differFromDefault++;
            compared++;
        }
        TestContext.WriteLine($"{compared} encodings' offsets equal to transformers 5.17's; {differFromDefault} differ from the default (sentencepiece) convention");
        Assert.IsGreaterThan(150, compared);
        Assert.IsGreaterThan(50, differFromDefault);
    }

    [TestMethod]
    public void TheDefaultKeepsSentencepiecesEmptyDummyPrefixSpan()
    {
        // "Hello world" with this vocabulary: a lone "▁" then "Hello" (sentencepiece reference: (0, 0), then (0, 5)).
        DebertaEncoding e = V2Tokenizers.V3.Encode("Hello world");
        JsonElement reference = GoldenCases.Load("deberta-v3.cases.json").First(c => c.GetProperty("text").GetString() == "Hello world");
        CollectionAssert.AreEqual(GoldenJson.Offsets(reference.GetProperty("plain").GetProperty("offset_mapping")), e.GetCodePointOffsets().ToArray());
        Assert.AreEqual("\u2581", e.Tokens[1]);
        Assert.AreEqual(new TokenOffset(0, 0), e.Offsets[1]);
        Assert.AreEqual(new TokenOffset(0, 1), V2Tokenizers.V3.Encode("Hello world", new DebertaEncodeOptions { FastTokenizerOffsets = true }).Offsets[1]);
    }

    /// <summary>
    /// The same option on the tokenizer read from the sentencepiece model: every single and pair case of
    /// deberta-v3.cases.json whose ids transformers 5.17's fast tokenizer (deberta-v3.transformers5.cases.json) agrees
    /// with gets its offsets; only pieces that begin with "▁" differ from sentencepiece's.
    /// </summary>
    [TestMethod]
    public void FastOffsetsOfTheSentencepieceModelEqualTransformers5()
    {
        var spm = GoldenCases.Load("deberta-v3.cases.json");
        var fast = GoldenCases.Load("deberta-v3.transformers5.cases.json")
            .Where(f => f.TryGetProperty("text", out _))
            .GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        int compared = 0, changed = 0;
        var failures = new List<string>();
        for (int c = 0; c < spm.Length; c++)
        {
            if (!spm[c].TryGetProperty("text", out _) || !fast.TryGetValue(Key(spm[c]), out JsonElement fastCase)
                || !spm[c].TryGetProperty("plain", out JsonElement expectedSpm) || !fastCase.TryGetProperty("plain", out JsonElement expectedFast))
                continue;
            int[] ids = GoldenJson.Ints(expectedSpm.GetProperty("input_ids"));
            if (!ids.SequenceEqual(GoldenJson.Ints(expectedFast.GetProperty("input_ids"))))
                continue; // the two tokenizers disagree on the ids (normalisers); offsets cannot be compared
            string text = spm[c].GetProperty("text").GetString()!;
            string? pair = spm[c].TryGetProperty("text_pair", out JsonElement p) ? p.GetString() : null;
            var encoding = V2Tokenizers.V3.Encode(text, pair);
            CollectionAssert.AreEqual(ids, encoding.InputIds.ToArray(), $"case {c}: our ids are sentencepiece's");
            var withFast = V2Tokenizers.V3.Encode(text, pair, new DebertaEncodeOptions { FastTokenizerOffsets = true });
            Assert.IsTrue(withFast.HasFastTokenizerOffsets && !encoding.HasFastTokenizerOffsets, $"case {c}: the encodings say which offsets they carry");
            var reference = GoldenJson.Offsets(expectedFast.GetProperty("offset_mapping"));
            for (int i = 0; i < encoding.Length; i++)
            {
                if (encoding.SequenceIds[i] is not int sequence)
                    continue;
                string source = sequence == 0 ? text : pair!;
                if (encoding.Tokens[i][0] != '\u2581')
                {
                    Assert.AreEqual(encoding.Offsets[i], withFast.Offsets[i], $"case {c} token {i}: only ▁ pieces change");
                    continue;
                }
                compared++;
                changed += encoding.Offsets[i] != withFast.Offsets[i] ? 1 : 0;
                var inCodePoints = new TokenOffset(CodePointIndex.FromUtf16(source, withFast.Offsets[i].Start), CodePointIndex.FromUtf16(source, withFast.Offsets[i].End));
                if (inCodePoints != reference[i])
                    failures.Add($"case {c} token {i} '{encoding.Tokens[i]}': sentencepiece {encoding.Offsets[i]}, fast option {inCodePoints}, transformers 5 {reference[i]}");
            }
        }
        TestContext.WriteLine($"fast-tokenizer offsets: {compared} ▁ pieces compared, {changed} changed by the option");
        Assert.IsEmpty(failures, string.Join("\n", failures.Take(20)));
        Assert.IsGreaterThan(100, changed, "the cases exercise the option");
    }

    private static string Key(JsonElement testCase)
        => testCase.GetProperty("kind").GetString() + "\u0000" + testCase.GetProperty("text").GetString()
            + (testCase.TryGetProperty("text_pair", out JsonElement pair) ? "\u0000" + pair.GetString() : "");
}
