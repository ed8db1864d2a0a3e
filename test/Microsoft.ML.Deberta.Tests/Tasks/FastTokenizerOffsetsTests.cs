using System.Text.Json;
using Microsoft.ML.Deberta.Tasks;
using Microsoft.ML.Deberta.Tests.Tokenization;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tasks;

/// <summary>
/// The v3 offset convention the pipelines report: our sentencepiece-style offsets converted, against what
/// transformers 5.17's fast tokenizer returned for the same ids (<c>tokenizer/deberta-v3.transformers5.cases.json</c>),
/// on every single and pair case whose ids agree with <c>deberta-v3.cases.json</c>.
/// </summary>
[TestClass]
public sealed class FastTokenizerOffsetsTests
{
    [TestMethod]
    public void MetaspacePiecesGetTheFastTokenizersSpans()
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
            var converted = FastTokenizerOffsets.Convert(encoding, text, pair);
            var reference = GoldenJson.Offsets(expectedFast.GetProperty("offset_mapping"));
            for (int i = 0; i < encoding.Length; i++)
            {
                if (encoding.SequenceIds[i] is not int sequence)
                    continue;
                string source = sequence == 0 ? text : pair!;
                if (encoding.Tokens[i][0] != '\u2581')
                {
                    Assert.AreEqual(encoding.Offsets[i], converted[i], $"case {c} token {i}: only ▁ pieces change");
                    continue;
                }
                compared++;
                changed += encoding.Offsets[i] != converted[i] ? 1 : 0;
                var inCodePoints = new TokenOffset(CodePointIndex.FromUtf16(source, converted[i].Start), CodePointIndex.FromUtf16(source, converted[i].End));
                if (inCodePoints != reference[i])
                    failures.Add($"case {c} token {i} '{encoding.Tokens[i]}': sentencepiece {encoding.Offsets[i]}, converted {inCodePoints}, fast {reference[i]}");
                var again = FastTokenizerOffsets.ForMetaspacePiece(source, converted[i], encoding.Tokens[i].Length == 1);
                if (again != converted[i])
                    failures.Add($"case {c} token {i}: converting twice gives {again}, not {converted[i]}");
            }
        }
        Console.WriteLine($"fast-tokenizer offsets: {compared} ▁ pieces compared, {changed} changed by the conversion");
        Assert.IsEmpty(failures, string.Join("\n", failures.Take(20)));
        Assert.IsGreaterThan(100, changed, "the cases exercise the conversion");
    }

    private static string Key(JsonElement testCase)
        => testCase.GetProperty("kind").GetString() + "\u0000" + testCase.GetProperty("text").GetString()
            + (testCase.TryGetProperty("text_pair", out JsonElement pair) ? "\u0000" + pair.GetString() : "");

    [TestMethod]
    public void TheDummyPrefixGetsTheNextCharacterOrTheSpaceBeforeIt()
    {
        var hello = V2Tokenizers.V3.Encode("Hello world");
        Assert.AreEqual("▁", hello.Tokens[1]);
        Assert.AreEqual(new TokenOffset(0, 0), hello.Offsets[1], "sentencepiece: an empty span");
        Assert.AreEqual(new TokenOffset(0, 1), FastTokenizerOffsets.Convert(hello, "Hello world")[1], "fast: the next character");
        var indented = V2Tokenizers.V3.Encode("  Hello");
        Assert.AreEqual(new TokenOffset(1, 2), FastTokenizerOffsets.Convert(indented, "  Hello")[1], "fast: the last space before the word");
        var e = Assert.ThrowsExactly<ArgumentException>(() => FastTokenizerOffsets.Convert(hello, "Hi"));
        StringAssert.Contains(e.Message, "outside its text of 2 characters");
        var pair = V2Tokenizers.V3.Encode("Who?", "Hello");
        e = Assert.ThrowsExactly<ArgumentException>(() => FastTokenizerOffsets.Convert(pair, "Who?"));
        StringAssert.Contains(e.Message, "second sequence but no second text");
    }
}
