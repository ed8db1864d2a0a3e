using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>
/// A sequence classifier's inference over a right-padded batch runs its per-token work on the tokens alone
/// (<see cref="TokenPacking"/>): the logits equal the padded pass's, and the planner of inference passes counts a
/// packed pass's tokens rather than its rows × length. The golden parity tests compare the route with transformers'.
/// </summary>
[TestClass]
public sealed class TokenPackingTests
{
    // Rows of 13, 2, 9, 1 and 13 tokens (the last two unpadded): short rows beside long ones, one of a single token.
    private static (Tensor Ids, Tensor Mask) Batch() => SmallRelativeModels.PaddedBatch(5, 13, (1, 2), (2, 9), (3, 1));

    [TestMethod]
    [DataRow("v1", DebertaPrecision.Float32)]
    [DataRow("v1-talking-heads", DebertaPrecision.Float32)]
    [DataRow("v2", DebertaPrecision.Float32)]
    [DataRow("v1", DebertaPrecision.BFloat16)]
    [DataRow("v2", DebertaPrecision.BFloat16)]
    public void PackedLogitsEqualThePaddedPasses(string shape, DebertaPrecision precision)
    {
        using var scope = NewDisposeScope();
        using var model = SmallRelativeModels.Sharpened(new DebertaForSequenceClassification(SmallRelativeModels.Config(shape), seed: 17));
        model.ConvertForInference(precision);
        var (ids, mask) = Batch();
        Assert.IsTrue(model.PacksTokensInInference(5, 13));

        var packed = model.Predict(ids, mask).Logits;
        model.Backbone.PacksTokens = false;
        Assert.IsFalse(model.PacksTokensInInference(5, 13));
        var padded = model.Predict(ids, mask).Logits;

        SmallRelativeModels.AssertSameLogits(padded, packed, precision, "packed − padded", TestContext);
        // Each row's logits depend on its own tokens: the padded row scored alone gives them too.
        var alone = model.Predict(ids.narrow(0, 2, 1).narrow(1, 0, 9), mask.narrow(0, 2, 1).narrow(1, 0, 9)).Logits;
        SmallRelativeModels.AssertSameLogits(alone, packed.narrow(0, 2, 1), precision, "packed row − the row alone", TestContext);
    }

    [TestMethod]
    public void TheConvolutionAndSlicedPassesKeepThePaddedLayout()
    {
        using var withConv = new DebertaForSequenceClassification(SmallRelativeModels.Config("v2-one-layer-conv"), seed: 3);
        Assert.IsFalse(withConv.PacksTokensInInference(5, 13), "v2's convolution reads the padding's rows");
        using var model = new DebertaForSequenceClassification(SmallRelativeModels.Config("v2"), seed: 3);
        Assert.IsTrue(model.PacksTokensInInference(5, 13));
        model.Backbone.ScoreElementsPerPass = 2 * SmallRelativeModels.Heads * 13 * 13;
        Assert.IsFalse(model.PacksTokensInInference(5, 13), "5 rows run in slices of 2");
        Assert.IsTrue(model.PacksTokensInInference(2, 13));
        using var tagger = new DebertaForTokenClassification(SmallRelativeModels.Config("v2"), seed: 3);
        Assert.IsFalse(tagger.PacksTokensInInference(5, 13), "a tagger's Predict returns every position");
        Assert.IsTrue(tagger.PacksTokensInInference(5, 13, paddingUnread: true), "its batched predictor reads the tokens only");
        Assert.IsFalse(model.Backbone.PacksTokensInInference(2, 13));
        Assert.IsTrue(model.Backbone.PacksTokensInInference(2, 13, paddingUnread: true));
    }

    // The heads that read every token, through the route their batched predictors take (ForwardPaddingUnread): at the
    // tokens, the padded pass's outputs; at the padding, zeros in the backbone's last hidden state (the route was taken).
    [TestMethod]
    [DataRow("v1", DebertaPrecision.Float32)]
    [DataRow("v2", DebertaPrecision.Float32)]
    [DataRow("v2", DebertaPrecision.BFloat16)]
    public void TokenOutputsOfAPaddingUnreadPassEqualThePaddedPassesAtTheTokens(string shape, DebertaPrecision precision)
    {
        using var scope = NewDisposeScope();
        var config = SmallRelativeModels.Config(shape);
        var (ids, mask) = Batch();
        var types = torch.zeros_like(ids);
        var tokens = mask.to_type(ScalarType.Bool).unsqueeze(-1);
        using var noGrad = torch.no_grad();

        using var tagger = new DebertaForTokenClassification(config, seed: 29);
        tagger.ConvertForInference(precision);
        var tags = tagger.ForwardPaddingUnread(ids, mask, types).Logits;
        SmallRelativeModels.AssertSameLogits(tagger.Predict(ids, mask, types).Logits.masked_select(tokens),
            tags.masked_select(tokens), precision, "token logits, packed − padded", TestContext);
        // Row 1 holds 2 tokens: its padding's logits are the classifier on zero rows, its bias, all alike.
        var paddingTags = tags[1].narrow(0, 2, 11);
        Assert.AreEqual(0f, paddingTags.sub(paddingTags[0]).abs().max().to_type(ScalarType.Float32).item<float>(), "the tagger's padding rows were never computed");

        var spanConfig = SmallRelativeModels.Config(shape);
        spanConfig.NumLabels = 2;
        using var reader = new DebertaForQuestionAnswering(spanConfig, seed: 31);
        reader.ConvertForInference(precision);
        var padded = reader.Predict(ids, mask, types);
        var packed = reader.ForwardPaddingUnread(ids, mask, types);
        SmallRelativeModels.AssertSameLogits(padded.StartLogits.masked_select(tokens.squeeze(-1)),
            packed.StartLogits.masked_select(tokens.squeeze(-1)), precision, "start logits, packed − padded", TestContext);
        SmallRelativeModels.AssertSameLogits(padded.EndLogits.masked_select(tokens.squeeze(-1)),
            packed.EndLogits.masked_select(tokens.squeeze(-1)), precision, "end logits, packed − padded", TestContext);

        using var backbone = new DebertaModel(config, seed: 37);
        backbone.ConvertForInference(precision);
        var whole = backbone.Predict(ids, mask, types).LastHiddenState;
        var unread = backbone.ForwardPaddingUnread(ids, mask, types).LastHiddenState;
        SmallRelativeModels.AssertSameLogits(whole.masked_select(tokens), unread.masked_select(tokens), precision, "hidden states, packed − padded", TestContext);
        Assert.AreEqual(0f, unread.masked_select(tokens.logical_not()).abs().sum().to_type(ScalarType.Float32).item<float>(), "the padding's rows were never computed");
        Assert.IsGreaterThan(0f, whole.masked_select(tokens.logical_not()).abs().sum().to_type(ScalarType.Float32).item<float>(), "the padded pass computes them");
    }

    [TestMethod]
    public void PackingFindsEachRowsTokensOrDeclines()
    {
        using var scope = NewDisposeScope();
        var (_, mask) = SmallRelativeModels.PaddedBatch(3, 4, (0, 2), (2, 3));
        var packing = TokenPacking.TryBuild(mask);

        Assert.IsNotNull(packing);
        CollectionAssert.AreEqual(new long[] { 0, 1, 4, 5, 6, 7, 8, 9, 10 }, packing.Positions.data<long>().ToArray());
        CollectionAssert.AreEqual(new long[] { 0, 2, 6 }, packing.FirstRows.data<long>().ToArray());
        var rows = torch.arange(12 * 2, dtype: ScalarType.Float32).view(3, 4, 2);
        var gathered = packing.Gather(rows);
        CollectionAssert.AreEqual(new[] { 9L, 2L }, gathered.shape);
        var restored = packing.Pad(gathered);
        Assert.IsTrue(restored.mul(mask.unsqueeze(-1)).eq(rows.mul(mask.unsqueeze(-1))).all().item<bool>());
        Assert.AreEqual(0f, restored[0, 3].abs().sum().item<float>(), "padding is zero");
        CollectionAssert.AreEqual(new[] { 8f, 9f }, packing.FirstTokens(gathered)[1, 0].data<float>().ToArray());

        Assert.IsNull(TokenPacking.TryBuild(torch.ones([2, 4], dtype: ScalarType.Int64)), "no padding to skip");
        Assert.IsNull(TokenPacking.TryBuild(torch.tensor(new long[] { 0, 1, 1, 1, 1, 1, 1, 1 }).view(2, 4)), "left padding");
        Assert.IsNull(TokenPacking.TryBuild(torch.tensor(new long[] { 1, 0, 1, 1, 0, 0, 0, 0 }).view(2, 4)), "a hole, a row without tokens");
    }

    [TestMethod]
    public void LeftPaddedBatchesRunPaddedWithTheSameLogits()
    {
        using var scope = NewDisposeScope();
        using var model = SmallRelativeModels.Sharpened(new DebertaForSequenceClassification(SmallRelativeModels.Config("v1"), seed: 19));
        model.ConvertForInference(DebertaPrecision.Float32);
        var ids = torch.arange(2 * 6, dtype: ScalarType.Int64).remainder(50).add(1).view(2, 6);
        var mask = torch.tensor(new long[] { 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1 }).view(2, 6);

        var first = model.Predict(ids, mask).Logits;
        model.Backbone.PacksTokens = false;
        var padded = model.Predict(ids, mask).Logits;

        Assert.IsTrue(first.eq(padded).all().item<bool>(), "a batch the packing declines runs the padded pass");
    }

    [TestMethod]
    public void PackedPassesAreCutByTheirTokens()
    {
        // Eight rows of 6 tokens and eight of 20: padded, one pass would spend most of its work on padding, so the plan
        // cuts it in two; packed, only attention pays for the padding, and one pass saves a pass's fixed cost.
        var config = SmallRelativeModels.Config("v1");
        config.HiddenSize = 128;
        config.IntermediateSize = 512;
        int[] lengths = [.. Enumerable.Repeat(6, 8), .. Enumerable.Repeat(20, 8)];

        var padded = InferenceChunks.Plan(lengths, 32, config);
        var packed = InferenceChunks.Plan(lengths, 32, config, (rows, length) => true);
        var declined = InferenceChunks.Plan(lengths, 32, config, (rows, length) => false);

        CollectionAssert.AreEqual(new[] { (0, 8), (8, 8) }, padded);
        CollectionAssert.AreEqual(new[] { (0, 16) }, packed);
        CollectionAssert.AreEqual(padded, declined);
    }

    public TestContext TestContext { get; set; } = null!;
}
