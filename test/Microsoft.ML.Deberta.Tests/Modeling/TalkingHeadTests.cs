using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>v1 talking heads (no golden model uses them): the keys exist, and identity mixing changes nothing.</summary>
[TestClass]
public sealed class TalkingHeadTests
{
    [TestMethod]
    public void IdentityHeadMixingEqualsPlainAttention()
    {
        using var scope = NewDisposeScope();
        var plainConfig = new DebertaConfig
        {
            VocabSize = 40, HiddenSize = 16, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 24,
            MaxPositionEmbeddings = 16, RelativeAttention = true, PosAttType = ["c2p", "p2c"], MaxRelativePositions = 6,
        };
        var talkingConfig = plainConfig.Clone();
        talkingConfig.TalkingHead = true;
        using var plain = new DebertaModel(plainConfig, seed: 4);
        using var talking = new DebertaModel(talkingConfig, seed: 9);

        var headKeys = talking.StateDictKeys().Except(plain.StateDictKeys()).ToList();
        CollectionAssert.AreEquivalent(new[]
        {
            "encoder.layer.0.attention.self.head_logits_proj.weight", "encoder.layer.0.attention.self.head_weights_proj.weight",
            "encoder.layer.1.attention.self.head_logits_proj.weight", "encoder.layer.1.attention.self.head_weights_proj.weight",
        }, headKeys);

        var weights = plain.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter.detach().clone());
        foreach (var key in headKeys) weights[key] = torch.eye(4);
        talking.LoadStateDict(weights);

        var ids = torch.tensor(new long[] { 1, 5, 9, 3, 2, 1, 8, 2, 0, 0 }, 2, 5);
        var mask = torch.tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 }, 2, 5);
        using var a = plain.Predict(ids, mask);
        using var b = talking.Predict(ids, mask);
        Assert.IsLessThan(1e-6f, (a.LastHiddenState - b.LastHiddenState).abs().max().item<float>());

        // A real mixing matrix (here: heads swapped and logits sharpened) changes the result.
        weights[headKeys[0]] = torch.eye(4).flip(0) * 50;
        talking.LoadStateDict(weights);
        using var c = talking.Predict(ids, mask);
        Assert.IsGreaterThan(1e-3f, (a.LastHiddenState - c.LastHiddenState).abs().max().item<float>());
    }
}
