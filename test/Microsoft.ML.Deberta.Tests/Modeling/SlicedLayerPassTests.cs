using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>
/// Inference runs each layer over slices of a batch's rows when the batch's attention scores would outgrow
/// <see cref="DebertaModel.ScoreElementsPerPass"/>: the hidden states, attentions and logits equal those of one pass
/// over the whole batch (padded rows, a last slice shorter than the others, both precisions, a classifier's logits).
/// </summary>
[TestClass]
public sealed class SlicedLayerPassTests
{
    private const int Heads = SmallRelativeModels.Heads, Length = 9;

    private static DebertaConfig Config(string shape)
    {
        var config = SmallRelativeModels.Config(shape == "v1" ? DebertaVersion.V1 : DebertaVersion.V2);
        if (shape == "v2")
        {
            config.PositionBuckets = 4;
            config.MaxRelativePositions = 8;
            config.ShareAttKey = true;
            config.NormRelEbd = "layer_norm";
            config.ConvKernelSize = 3;
            config.ConvAct = ActivationFunction.Gelu;
        }
        return config;
    }

    // Five rows, two of them padded: slices of two rows leave a last slice of one.
    private static (Tensor Ids, Tensor Mask) Batch() => SmallRelativeModels.PaddedBatch(5, Length, (1, 4), (4, 6));

    private const long TwoRowsAPass = 2L * Heads * Length * Length;

    [TestMethod]
    [DataRow("v1", DebertaPrecision.Float32)]
    [DataRow("v2", DebertaPrecision.Float32)]
    [DataRow("v1", DebertaPrecision.BFloat16)]
    [DataRow("v2", DebertaPrecision.BFloat16)]
    public void SlicedPassesGiveTheWholeBatchsHiddenStatesAndAttentions(string shape, DebertaPrecision precision)
    {
        using var scope = NewDisposeScope();
        using var model = new DebertaModel(Config(shape), seed: 3);
        model.ConvertForInference(precision);
        var (ids, mask) = Batch();

        model.ScoreElementsPerPass = long.MaxValue;
        var whole = model.Predict(ids, mask, outputHiddenStates: true, outputAttentions: true);
        model.ScoreElementsPerPass = TwoRowsAPass;
        var sliced = model.Predict(ids, mask, outputHiddenStates: true, outputAttentions: true);

        // Each row is computed by the same operations either way; a product over fewer rows may sum in another order.
        double bound = precision == DebertaPrecision.Float32 ? 1e-5 : 0.02;
        AssertClose(whole.LastHiddenState, sliced.LastHiddenState, bound, "last hidden state");
        for (int i = 0; i < whole.HiddenStates!.Count; i++)
            AssertClose(whole.HiddenStates[i], sliced.HiddenStates![i], bound, $"hidden state {i}");
        for (int i = 0; i < whole.Attentions!.Count; i++)
            AssertClose(whole.Attentions[i], sliced.Attentions![i], bound / 10, $"attention {i}");
    }

    [TestMethod]
    public void AClassifierGivesTheSameLogitsInSlices()
    {
        using var scope = NewDisposeScope();
        using var model = new DebertaForSequenceClassification(Config("v1"), seed: 4);
        model.ConvertForInference(DebertaPrecision.Float32);
        var (ids, mask) = Batch();

        model.Backbone.ScoreElementsPerPass = long.MaxValue;
        var whole = model.Predict(ids, mask);
        model.Backbone.ScoreElementsPerPass = TwoRowsAPass;
        var sliced = model.Predict(ids, mask);

        CollectionAssert.AreEqual(new long[] { 5, 3 }, sliced.Logits.shape);
        AssertClose(whole.Logits, sliced.Logits, 1e-6, "logits");
    }

    private static void AssertClose(Tensor expected, Tensor actual, double bound, string what)
    {
        CollectionAssert.AreEqual(expected.shape, actual.shape, what);
        double difference = (expected.to_type(ScalarType.Float32) - actual.to_type(ScalarType.Float32)).abs().max().item<float>();
        Assert.IsLessThanOrEqualTo(bound, difference, $"{what}: max |whole − sliced| = {difference:E2}");
    }
}
