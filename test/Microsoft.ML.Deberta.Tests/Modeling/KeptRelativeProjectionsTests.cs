using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>
/// A model converted for inference (<see cref="DebertaPreTrainedModel.ConvertForInference"/>) keeps each layer's
/// projections of the relative-embedding table from its first inference pass: later passes of any length give what a
/// plain model computes, and every way the weights change through the API (training mode, a state dict) releases them.
/// </summary>
[TestClass]
public sealed class KeptRelativeProjectionsTests
{
    // Positions are relative only, so lengths may pass max_position_embeddings; max_relative_positions 8 makes long
    // sequences clamp (v1 shifts its window, v2 reaches every bucket).
    private static DebertaConfig Config(string shape)
    {
        var config = new DebertaConfig(shape == "v1" ? DebertaVersion.V1 : DebertaVersion.V2)
        {
            VocabSize = 50,
            HiddenSize = 16,
            NumHiddenLayers = 2,
            NumAttentionHeads = 2,
            IntermediateSize = 20,
            MaxPositionEmbeddings = 12,
            TypeVocabSize = 0,
            PositionBiasedInput = false,
            RelativeAttention = true,
            MaxRelativePositions = 8,
            PosAttType = ["c2p", "p2c"],
        };
        switch (shape)
        {
            case "v1":
                break;
            case "v2-buckets":
                config.PositionBuckets = 4;
                config.ShareAttKey = true;
                config.NormRelEbd = "layer_norm";
                break;
            case "v2-separate-keys":
                config.ShareAttKey = false;
                config.PosAttType = ["c2p"];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(shape));
        }
        return config;
    }

    private static readonly long[] Lengths = [5, 3, 21, 9];

    private static Tensor Ids(long length) => torch.arange(length, dtype: ScalarType.Int64).remainder(40).add(1).unsqueeze(0).repeat(2, 1);

    private static float[] Hidden(DebertaModel model, long length)
    {
        using var scope = NewDisposeScope();
        return model.Predict(Ids(length)).LastHiddenState.data<float>().ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual);
        float worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.IsLessThanOrEqualTo(1e-6f, worst, $"{what}: max |Δ| {worst:E2}");
    }

    [TestMethod]
    [DataRow("v1")]
    [DataRow("v2-buckets")]
    [DataRow("v2-separate-keys")]
    public void PassesOfEveryLengthEqualAPlainModels(string shape)
    {
        using var plain = new DebertaModel(Config(shape), seed: 3);
        using var converted = new DebertaModel(Config(shape), seed: 3);
        converted.ConvertForInference(DebertaPrecision.Float32);
        // The first pass (length 5) computes the projections of the whole table; the others cut their rows from it.
        foreach (long length in Lengths)
            AssertClose(Hidden(plain, length), Hidden(converted, length), $"{shape}, length {length}");
    }

    [TestMethod]
    public void TheKeptProjectionsAreUsedUntilTheModelIsConvertedAgain()
    {
        // The documented contract, and the proof the projections are kept: an in-place change of a relative-position
        // projection weight is not seen until ConvertForInference is called again.
        // Weights of unit scale, so that the changed projection moves the output well past float32 rounding.
        var config = Config("v1");
        config.InitializerRange = 0.5;
        using var converted = new DebertaModel(config, seed: 3);
        converted.ConvertForInference(DebertaPrecision.Float32);
        var before = Hidden(converted, 9);
        var posProj = converted.named_parameters().Single(p => p.name == "encoder.layer.0.attention.self.pos_proj.weight").parameter;
        using (torch.no_grad())
            posProj.fill_(0.5);
        AssertClose(before, Hidden(converted, 9), "kept projections, weight changed in place");

        converted.ConvertForInference(DebertaPrecision.Float32);
        var after = Hidden(converted, 9);
        float change = before.Zip(after, (b, a) => Math.Abs(b - a)).Max();
        Assert.IsGreaterThan(1e-3f, change, $"converting again computes the projections anew: max |Δ| {change:E2}");
        using var plain = new DebertaModel(config, seed: 3);
        using (torch.no_grad())
            plain.named_parameters().Single(p => p.name == "encoder.layer.0.attention.self.pos_proj.weight").parameter.fill_(0.5);
        AssertClose(Hidden(plain, 9), after, "converted again");
    }

    [TestMethod]
    [DataRow("v1")]
    [DataRow("v2-buckets")]
    public void LoadingAStateDictReleasesThem(string shape)
    {
        using var converted = new DebertaModel(Config(shape), seed: 3);
        using var other = new DebertaModel(Config(shape), seed: 4);
        converted.ConvertForInference(DebertaPrecision.Float32);
        _ = Hidden(converted, 9);
        converted.load_state_dict(other.state_dict());
        foreach (long length in Lengths)
            AssertClose(Hidden(other, length), Hidden(converted, length), $"{shape} after load_state_dict, length {length}");
    }

    [TestMethod]
    public void TrainingModeReleasesThem()
    {
        using var converted = new DebertaModel(Config("v2-buckets"), seed: 3);
        using var other = new DebertaModel(Config("v2-buckets"), seed: 4);
        converted.ConvertForInference(DebertaPrecision.Float32);
        _ = Hidden(converted, 9);
        converted.train();
        // An optimizer's in-place step, as training makes it.
        var source = other.state_dict();
        using (torch.no_grad())
            foreach (var (name, parameter) in converted.named_parameters())
                parameter.copy_(source[name]);
        converted.eval();
        AssertClose(Hidden(other, 9), Hidden(converted, 9), "after training mode and an in-place step");
    }

    [TestMethod]
    public void APassWithAutogradOnComputesThemSoGradientsReachTheirWeights()
    {
        using var converted = new DebertaModel(Config("v1"), seed: 3);
        converted.ConvertForInference(DebertaPrecision.Float32);
        _ = Hidden(converted, 9);
        using var scope = NewDisposeScope();
        converted.Forward(Ids(9)).LastHiddenState.sum().backward();
        var posProj = converted.named_parameters().Single(p => p.name == "encoder.layer.0.attention.self.pos_proj.weight").parameter;
        Assert.IsNotNull(posProj.grad);
        Assert.IsGreaterThan(0f, posProj.grad.abs().sum().item<float>());
    }
}
