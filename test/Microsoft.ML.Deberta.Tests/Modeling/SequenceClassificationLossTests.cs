using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>
/// The loss rules of the sequence-classification head beyond the golden cases (which cover single-label CE,
/// num_labels-1 MSE and multi-label BCE): each is checked against the formula applied to the model's own logits.
/// </summary>
[TestClass]
public sealed class SequenceClassificationLossTests
{
    private static DebertaForSequenceClassification Model(int labels, ProblemType? problem)
    {
        var config = new DebertaConfig(DebertaVersion.V2)
        {
            VocabSize = 30, HiddenSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 20,
            MaxPositionEmbeddings = 16, RelativeAttention = true, PosAttType = ["c2p", "p2c"], ProblemType = problem,
        };
        config.NumLabels = labels;
        var model = new DebertaForSequenceClassification(config, seed: 1);
        model.eval();
        return model;
    }

    private static Tensor Ids => torch.tensor(new long[] { 1, 5, 7, 2, 1, 9, 3, 2, 1, 4, 4, 2 }, 3, 4);

    [TestMethod]
    public void NegativeLabelsDropRowsAndNoRowLeftGivesZero()
    {
        using var scope = NewDisposeScope();
        using var model = Model(3, null);
        var all = model.Forward(Ids, labels: torch.tensor(new long[] { 2, -1, 0 }));
        var expected = nn.functional.cross_entropy(all.Logits[torch.tensor(new long[] { 0, 2 })], torch.tensor(new long[] { 2, 0 }));
        Assert.AreEqual(expected.item<float>(), all.Loss!.item<float>(), 1e-6f);
        var none = model.Forward(Ids, labels: torch.tensor(new long[] { -1, -1, -1 }));
        Assert.AreEqual(0f, none.Loss!.item<float>());
    }

    [TestMethod]
    public void SoftLabelsUseTheMeanOfNegativeLogLikelihoods()
    {
        using var scope = NewDisposeScope();
        using var model = Model(3, null);
        var soft = torch.tensor(new float[] { 0.2f, 0.3f, 0.5f, 1, 0, 0, 0, 0.5f, 0.5f }, 3, 3);
        var output = model.Forward(Ids, labels: soft);
        var expected = -(nn.functional.log_softmax(output.Logits, -1) * soft).sum(-1).mean();
        Assert.AreEqual(expected.item<float>(), output.Loss!.item<float>(), 1e-6f);
    }

    [TestMethod]
    public void ExplicitProblemTypesPickTheirLoss()
    {
        using var scope = NewDisposeScope();
        using var single = Model(3, ProblemType.SingleLabelClassification);
        var labels = torch.tensor(new long[] { 2, 1, 0 });
        var s = single.Forward(Ids, labels: labels);
        Assert.AreEqual(nn.functional.cross_entropy(s.Logits, labels).item<float>(), s.Loss!.item<float>(), 1e-6f);

        using var regression = Model(2, ProblemType.Regression);
        var targets = torch.tensor(new float[] { 0.5f, -1, 2, 0, 1, 1 }, 3, 2);
        var r = regression.Forward(Ids, labels: targets);
        Assert.AreEqual(nn.functional.mse_loss(r.Logits, targets).item<float>(), r.Loss!.item<float>(), 1e-6f);

        using var multi = Model(2, ProblemType.MultiLabelClassification);
        var bits = torch.tensor(new float[] { 1, 0, 1, 1, 0, 0 }, 3, 2);
        var m = multi.Forward(Ids, labels: bits);
        Assert.AreEqual(nn.functional.binary_cross_entropy_with_logits(m.Logits, bits).item<float>(), m.Loss!.item<float>(), 1e-6f);
    }
}
