using Microsoft.ML.Deberta.Tasks.TokenClassification;
using Microsoft.ML.Deberta.Tests.Tokenization;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tasks;

/// <summary>
/// The token-classification pipeline's rules on hand-made probabilities (the golden pipeline outputs are replayed in
/// <c>Parity/PipelineParityTests</c>): the docstring's example (micro|soft| com|pany| B-ENT I-NAME I-ENT I-ENT)
/// for each aggregation, ignore_labels, and bad input.
/// </summary>
[TestClass]
public sealed class TokenClassificationDecoderTests
{
    private static readonly string[] Labels = ["O", "B-ENT", "I-ENT", "I-NAME"];

    // v1 tokens: [CLS] De BER Ta Ġimproves [SEP]; spans (0,2) (2,5) (5,7) (7,16).
    private const string Text = "DeBERTa improves";

    private static TokenClassificationDecoder Decoder => new(V1Tokenizers.Plain, Labels);

    /// <summary>Logits whose softmax is the given probabilities (log p), one row per token, [CLS]/[SEP] all O.</summary>
    internal static float[] LogitsFor(DebertaEncoding encoding, Func<int, float[]?> probabilitiesOfToken, int labels)
    {
        var logits = new float[encoding.Length * labels];
        for (int t = 0; t < encoding.Length; t++)
        {
            float[] p = probabilitiesOfToken(t) ?? [1f, .. Enumerable.Repeat(0f, labels - 1)];
            for (int l = 0; l < labels; l++)
                logits[t * labels + l] = MathF.Log(Math.Max(p[l], 1e-12f));
        }
        return logits;
    }

    private static IReadOnlyList<EntitySpan> Decode(EntityAggregation aggregation, params string[] ignore)
    {
        var windows = Decoder.Encode(Text);
        CollectionAssert.AreEqual(new[] { "[CLS]", "De", "BER", "Ta", "Ġimproves", "[SEP]" }, windows[0].Tokens.ToArray());
        float[] logits = LogitsFor(windows[0], t => t switch
        {
            1 => [0.1f, 0.7f, 0.1f, 0.1f],    // De: B-ENT
            2 => [0.05f, 0.0f, 0.05f, 0.9f],  // BER: I-NAME, the most confident token of the word
            3 => [0.1f, 0.1f, 0.6f, 0.2f],    // Ta: I-ENT
            4 => [0.2f, 0.0f, 0.8f, 0.0f],    // improves: I-ENT
            _ => null,
        }, Labels.Length);
        return Decoder.Decode(Text, windows, [logits], new TokenClassificationDecodingOptions { Aggregation = aggregation, IgnoreLabels = ignore });
    }

    private static string Show(IEnumerable<EntitySpan> entities)
        => string.Join(" | ", entities.Select(e => $"{e.Label} '{e.Word}' {e.Start}-{e.End} {e.Score:F3} {e.TokenIndex}"));

    [TestMethod]
    public void NoneGivesOneEntityPerTokenWithItsIndex()
        => Assert.AreEqual("B-ENT 'De' 0-2 0.700 1 | I-NAME 'BER' 2-5 0.900 2 | I-ENT 'Ta' 5-7 0.600 3 | I-ENT 'Ġimproves' 7-16 0.800 4", Show(Decode(EntityAggregation.None)));

    [TestMethod]
    public void SimpleGroupsAdjacentTokensOfTheSameTag()
        => Assert.AreEqual("ENT 'De' 0-2 0.700  | NAME 'BER' 2-5 0.900  | ENT 'Ta improves' 5-16 0.700 ", Show(Decode(EntityAggregation.Simple)));

    [TestMethod]
    public void FirstLabelsTheWordByItsFirstToken()
        => Assert.AreEqual("ENT 'DeBERTa improves' 0-16 0.750 ", Show(Decode(EntityAggregation.First)));

    [TestMethod]
    public void MaxLabelsTheWordByItsMostConfidentToken()
        => Assert.AreEqual("NAME 'DeBERTa' 0-7 0.900  | ENT ' improves' 7-16 0.800 ", Show(Decode(EntityAggregation.Max)));

    [TestMethod]
    public void AverageLabelsTheWordByTheMeanProbabilities()
        // DeBERTa: mean of (.1 .7 .1 .1), (.05 0 .05 .9), (.1 .1 .6 .2) = (.083 .267 .25 .4): I-NAME, 0.4.
        => Assert.AreEqual("NAME 'DeBERTa' 0-7 0.400  | ENT ' improves' 7-16 0.800 ", Show(Decode(EntityAggregation.Average)));

    [TestMethod]
    public void IgnoreLabelsDropEntitiesByLabelOrGroup()
    {
        Assert.AreEqual("ENT 'De' 0-2 0.700  | ENT 'Ta improves' 5-16 0.700 ", Show(Decode(EntityAggregation.Simple, "NAME")));
        Assert.AreEqual("B-ENT 'De' 0-2 0.700 1 | I-NAME 'BER' 2-5 0.900 2", Show(Decode(EntityAggregation.None, "I-ENT")));
    }

    [TestMethod]
    public void SubwordHeuristicLooksForASpaceBeforeOrAtTheTokenStart()
    {
        Assert.IsFalse(TokenGatherer.IsSubword("a b", 0), "the first token starts a word");
        Assert.IsTrue(TokenGatherer.IsSubword("ab", 1));
        Assert.IsFalse(TokenGatherer.IsSubword("a b", 2), "a space before");
        Assert.IsFalse(TokenGatherer.IsSubword("a b", 1), "a space at the start (a Ġ token's span begins with its space)");
        Assert.IsTrue(TokenGatherer.IsSubword("a\nb", 2), "only ' ' counts, as in the pipeline");
    }

    [TestMethod]
    public void BadInputIsRefusedWithWhatToDo()
    {
        var windows = Decoder.Encode(Text);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Decoder.Decode(Text, windows, [new float[7]]));
        StringAssert.Contains(e.Message, "Window 0 has 6 tokens, so its logits need 6 × 4 = 24 values");
        StringAssert.Contains(e.Message, "not 7");
        e = Assert.ThrowsExactly<ArgumentException>(() => Decoder.Decode(Text, windows, []));
        StringAssert.Contains(e.Message, "1 window(s) but 0 logits array(s)");
        e = Assert.ThrowsExactly<ArgumentException>(() => Decoder.Decode(Text, [windows[0], windows[0]], [new float[24], new float[24]]));
        StringAssert.Contains(e.Message, "aggregation other than None");
        e = Assert.ThrowsExactly<ArgumentException>(() => Decoder.Encode(""));
        StringAssert.Contains(e.Message, "The text is empty");
        e = Assert.ThrowsExactly<ArgumentException>(() => Decoder.Encode(Text, maxLength: 10, stride: 8));
        StringAssert.Contains(e.Message, "stride 8 must be at least 0 and less than the window's 8 text tokens");
        e = Assert.ThrowsExactly<ArgumentException>(() => new TokenClassificationDecoder(V1Tokenizers.Plain, []));
        StringAssert.Contains(e.Message, "id2label is empty");
        e = Assert.ThrowsExactly<ArgumentException>(() => new TokenClassificationDecoder(V1Tokenizers.Plain, ["O", ""]));
        StringAssert.Contains(e.Message, "id2label[1] is empty");
    }
}
