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
}
