using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>
/// A sequence classifier runs its last layer's attention output and feed-forward blocks on the first position alone
/// (the pooler's [CLS]): the logits equal those of the whole last layer, which the same model computes when the hidden
/// states are asked for, on padded batches and in both precisions; in training, with dropout, the loss and every
/// gradient equal the whole layer's. The golden parity and training tests compare the route with transformers'.
/// </summary>
[TestClass]
public sealed class FirstTokenOnlyTests
{
    // Two rows, the second padded after 6 tokens.
    private static (Tensor Ids, Tensor Mask) Batch() => SmallRelativeModels.PaddedBatch(2, 11, (1, 6));

    [TestMethod]
    [DataRow("v1", DebertaPrecision.Float32)]
    [DataRow("v1-talking-heads", DebertaPrecision.Float32)]
    [DataRow("v2", DebertaPrecision.Float32)]
    [DataRow("v2-one-layer-conv", DebertaPrecision.Float32)]
    [DataRow("v1", DebertaPrecision.BFloat16)]
    [DataRow("v2", DebertaPrecision.BFloat16)]
    public void ClassifierLogitsEqualThoseOfTheWholeLastLayer(string shape, DebertaPrecision precision)
    {
        using var scope = NewDisposeScope();
        using var model = SmallRelativeModels.Sharpened(new DebertaForSequenceClassification(SmallRelativeModels.Config(shape), seed: 11));
        model.ConvertForInference(precision);
        var (ids, mask) = Batch();

        var firstOnly = model.Predict(ids, mask);
        var whole = model.Predict(ids, mask, outputHiddenStates: true);

        Assert.IsNull(firstOnly.HiddenStates);
        Assert.IsNotNull(whole.HiddenStates);
        SmallRelativeModels.AssertSameLogits(whole.Logits, firstOnly.Logits, precision, "first-token route − whole layer", TestContext);
    }

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("v1")]
    [DataRow("v2")]
    public void TrainingWithDropoutGivesTheWholeLayersLossAndGradients(string shape)
    {
        // The other positions' outputs reach no loss, so their gradients are zero and skipping them changes none; the
        // first position's dropout drops what the whole layer's drops there, from the same generator state, so a training
        // run follows the same random stream either way. The whole layer runs when the hidden states are asked for.
        using var scope = NewDisposeScope();
        var config = SmallRelativeModels.Config(shape);
        config.HiddenDropoutProb = 0.3;
        config.AttentionProbsDropoutProb = 0.2;
        using var model = SmallRelativeModels.Sharpened(new DebertaForSequenceClassification(config, seed: 13));
        model.train();
        var (ids, mask) = Batch();
        var labels = torch.tensor(new long[] { 2, 0 });

        Dictionary<string, Tensor> Gradients(bool whole, out double loss)
        {
            using var generator = new Generator(29);
            model.DropoutGenerator = generator;
            model.zero_grad();
            var output = model.Forward(ids, mask, labels: labels, outputHiddenStates: whole);
            output.Loss!.backward();
            loss = output.Loss.item<float>();
            model.DropoutGenerator = null;
            return model.named_parameters().Where(p => p.parameter.grad is not null)
                .ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        }

        var firstOnly = Gradients(whole: false, out double firstOnlyLoss);
        var whole = Gradients(whole: true, out double wholeLoss);

        Assert.AreEqual(wholeLoss, firstOnlyLoss, 1e-6 * Math.Abs(wholeLoss), "loss");
        CollectionAssert.AreEquivalent(whole.Keys.ToList(), firstOnly.Keys.ToList());
        foreach (var (name, gradient) in whole)
        {
            double scale = gradient.abs().max().item<float>();
            double difference = (gradient - firstOnly[name]).abs().max().item<float>();
            Assert.IsLessThanOrEqualTo(1e-5 * scale + 1e-9, difference, $"{name}: max |first-token − whole| = {difference:E2} (gradient up to {scale:E2})");
        }
    }

    [TestMethod]
    public void TheEncoderReturnsTheFirstRowOfItsWholeLastLayer()
    {
        using var scope = NewDisposeScope();
        using var model = new DebertaForSequenceClassification(SmallRelativeModels.Config("v2"), seed: 5);
        model.eval();
        using var noGrad = torch.no_grad();
        var (ids, mask) = Batch();
        var inputs = ModelInputs.Prepare(model.Config, ids, mask, null, null);

        var firstOnly = model.Backbone.Run(inputs, outputHiddenStates: false, outputAttentions: false, firstTokenOnly: true).LastHiddenState;
        var whole = model.Backbone.Run(inputs, outputHiddenStates: false, outputAttentions: false).LastHiddenState;

        CollectionAssert.AreEqual(new long[] { 2, 1, 32 }, firstOnly.shape);
        CollectionAssert.AreEqual(new long[] { 2, 11, 32 }, whole.shape);
        double difference = (firstOnly - whole.narrow(1, 0, 1)).abs().max().item<float>();
        Assert.IsLessThanOrEqualTo(1e-6, difference);
        Assert.ThrowsExactly<ArgumentException>(() =>
            model.Backbone.Run(inputs, outputHiddenStates: true, outputAttentions: false, firstTokenOnly: true));
    }
}
