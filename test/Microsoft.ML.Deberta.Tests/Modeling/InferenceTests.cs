using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>Inference runs without autograd or dropout, leaves the training mode as it was, and is deterministic for a seed.</summary>
[TestClass]
public sealed class InferenceTests
{
    private static DebertaConfig Config() => new(DebertaVersion.V2)
    {
        VocabSize = 40, HiddenSize = 16, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 24,
        MaxPositionEmbeddings = 32, RelativeAttention = true, PosAttType = ["p2c", "c2p"], PositionBuckets = 4,
        NormRelEbd = "layer_norm", ShareAttKey = true, PositionBiasedInput = false, HiddenDropoutProb = 0.5,
    };

    private static Tensor Ids() => torch.tensor(new long[] { 1, 7, 9, 13, 2, 0, 1, 5, 6, 8, 11, 2 }, 2, 6);

    [TestMethod]
    public void SameSeedGivesTheSameModelAndOutputs()
    {
        using var scope = NewDisposeScope();
        using var a = new DebertaForTokenClassification(Config(), seed: 11);
        using var b = new DebertaForTokenClassification(Config(), seed: 11);
        using var c = new DebertaForTokenClassification(Config(), seed: 12);
        using var outA = a.Predict(Ids());
        using var outB = b.Predict(Ids());
        using var outC = c.Predict(Ids());
        Assert.IsTrue(outA.Logits.Identical(outB.Logits));
        Assert.IsFalse(outA.Logits.Identical(outC.Logits));
        // The same backbone seed gives the same backbone with or without a head.
        using var bare = new DebertaModel(Config(), seed: 11);
        var headBackbone = a.Backbone.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in bare.named_parameters())
            Assert.IsTrue(parameter.Identical(headBackbone[name]), name);
    }

    [TestMethod]
    public void PredictUsesNoAutogradNoDropoutAndRestoresTrainingMode()
    {
        using var scope = NewDisposeScope();
        using var model = new DebertaForSequenceClassification(Config(), seed: 3);
        model.train();
        using var first = model.Predict(Ids(), outputHiddenStates: true, outputAttentions: true);
        using var second = model.Predict(Ids());
        Assert.IsTrue(model.training);
        Assert.IsFalse(first.Logits.requires_grad);
        Assert.IsTrue(first.Logits.Identical(second.Logits), "dropout 0.5 must be off in Predict");
        Assert.HasCount(3, first.HiddenStates!);
        Assert.HasCount(2, first.Attentions!);
        CollectionAssert.AreEqual(new long[] { 2, 4, 6, 6 }, first.Attentions![0].shape);

        // In training mode Forward applies dropout and tracks gradients.
        var trained = model.Forward(Ids(), labels: torch.tensor(new long[] { 0, 1 }));
        Assert.IsTrue(trained.Loss!.requires_grad);
        Assert.IsFalse(trained.Logits.Identical(first.Logits));
    }

    [TestMethod]
    public void PredictOutputOutlivesTheCallersDisposeScope()
    {
        using var model = new DebertaModel(Config(), seed: 3);
        DebertaModelOutput output;
        using (var scope = NewDisposeScope())
        {
            output = model.Predict(Ids());
        }
        using (output)
        {
            Assert.AreEqual(2, output.LastHiddenState.shape[0]);
            Assert.IsFalse(output.LastHiddenState.IsInvalid);
        }
        Assert.IsTrue(output.LastHiddenState.IsInvalid);
    }

    [TestMethod]
    public void PaddedPositionsDoNotChangeTokenOutputs()
    {
        // Padding must not leak into real tokens: a row padded to 6 equals the same row unpadded.
        using var scope = NewDisposeScope();
        using var model = new DebertaModel(Config(), seed: 5);
        var padded = torch.tensor(new long[] { 1, 7, 9, 2, 0, 0 }, 1, 6);
        var mask = torch.tensor(new long[] { 1, 1, 1, 1, 0, 0 }, 1, 6);
        using var a = model.Predict(padded, mask, outputHiddenStates: true);
        using var b = model.Predict(padded[TensorIndex.Colon, TensorIndex.Slice(0, 4)]);
        var diff = (a.LastHiddenState[TensorIndex.Colon, TensorIndex.Slice(0, 4)] - b.LastHiddenState).abs().max().item<float>();
        Assert.IsLessThan(1e-5f, diff);
        // The embedding output is multiplied by the mask: exactly zero at padding.
        Assert.AreEqual(0f, a.HiddenStates![0][TensorIndex.Colon, TensorIndex.Slice(4)].abs().max().item<float>());
    }
}
