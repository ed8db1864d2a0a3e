using Microsoft.ML.Deberta.Tasks.TokenClassification;
using Microsoft.ML.Deberta.Tests.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tasks;

/// <summary>
/// Long texts in stride windows: the pipeline decodes each window and merges the entities by span (sorted by start;
/// of two overlapping entities the longer wins, then the higher score).
/// </summary>
[TestClass]
public sealed class TokenClassificationWindowTests
{
    private static readonly string[] Labels = ["O", "B-ENT", "I-ENT"];

    private static EntitySpan At(int start, int end, float score) => new("ENT", score, "w", start, end, null);

    [TestMethod]
    public void OverlapsKeepTheLongerSpanThenTheHigherScore()
    {
        var merged = OverlappingEntities.Merge([At(12, 14, 0.9f), At(0, 5, 0.5f), At(3, 10, 0.4f), At(12, 14, 0.95f), At(20, 22, 0.1f)]);
        CollectionAssert.AreEqual(new[] { At(3, 10, 0.4f), At(12, 14, 0.95f), At(20, 22, 0.1f) }, merged.ToArray());
        Assert.IsEmpty(OverlappingEntities.Merge([]));
    }

    [TestMethod]
    public void WindowsOfALongTextGiveTheEntitiesOfTheWholeText()
    {
        string text = string.Join(' ', Enumerable.Range(0, 40).Select(i => i % 3 == 0 ? "DeBERTa" : i % 3 == 1 ? "improves" : "Redmond,"));
        var decoder = new TokenClassificationDecoder(V1Tokenizers.Plain, Labels);
        // Every token B-ENT, more or less sure depending on where it starts: the same token scores the same in every window.
        float[] Logits(Microsoft.ML.Deberta.Tokenization.DebertaEncoding w) => TokenClassificationDecoderTests.LogitsFor(
            w, t => w.SpecialTokensMask[t] == 1 ? null : [0.1f, 0.5f + w.Offsets[t].Start % 7 / 20f, 0.4f - w.Offsets[t].Start % 7 / 20f], Labels.Length);
        var whole = decoder.Encode(text);
        var windows = decoder.Encode(text, maxLength: 16, stride: 5);
        Assert.IsGreaterThan(5, windows.Count, "the text needs several windows");
        Assert.IsTrue(windows.Skip(1).All(w => w.Length == windows[0].Length), "windows are padded to the longest, as the pipeline's padding=True");
        foreach (var aggregation in new[] { EntityAggregation.Simple, EntityAggregation.First, EntityAggregation.Average, EntityAggregation.Max })
        {
            var options = new TokenClassificationDecodingOptions { Aggregation = aggregation };
            var expected = decoder.Decode(text, whole, [Logits(whole[0])], options);
            var actual = decoder.Decode(text, windows, [.. windows.Select(Logits)], options);
            int tokens = whole[0].SpecialTokensMask.Count(m => m == 0);
            Assert.HasCount(aggregation == EntityAggregation.Simple ? tokens : 40, expected, $"{aggregation}: every word (simple: every token) is an entity of its own");
            CollectionAssert.AreEqual(expected.ToArray(), actual.ToArray(), $"{aggregation}: windows merged by span equal the whole text");
        }
    }
}
