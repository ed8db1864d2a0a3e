using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>
/// The 1×1-convolution route for the model's products gives float32-rounding-level results (against float64), like the
/// plain <c>linear</c>/<c>bmm</c> it replaces, for the shapes of a base-sized model, forward and backward, and keeps
/// the plain route where it does not apply.
/// </summary>
[TestClass]
public sealed class PointwiseConvolutionTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(1024L, 768L, 768L, DisplayName = "8×128 tokens, attention projection 768 → 768")]
    [DataRow(1024L, 768L, 3072L, DisplayName = "8×128 tokens, intermediate 768 → 3072")]
    [DataRow(1024L, 3072L, 768L, DisplayName = "8×128 tokens, output 3072 → 768")]
    [DataRow(255L, 768L, 768L, DisplayName = "255 relative-table rows, 768 → 768")]
    [DataRow(7L, 32L, 37L, DisplayName = "tiny")]
    public void LinearIsAccurateToFloat32Rounding(long rows, long inFeatures, long outFeatures)
    {
        using var scope = NewDisposeScope();
        var generator = new torch.Generator(17);
        var x = torch.randn(rows, inFeatures, generator: generator);
        var weight = torch.randn(outFeatures, inFeatures, generator: generator) / Math.Sqrt(inFeatures);
        var bias = torch.randn(outFeatures, generator: generator) * 0.1;
        var exact = nn.functional.linear(x.to_type(ScalarType.Float64), weight.to_type(ScalarType.Float64), bias.to_type(ScalarType.Float64));

        foreach (bool enabled in new[] { true, false })
        {
            var y = WithRoute(enabled, () => PointwiseConvolution.Linear(x, weight, bias));
            AssertFloat32Accurate(exact, y, $"{rows}×{inFeatures} → {outFeatures}, convolution route {(enabled ? "on" : "off")}");
        }
    }

    [TestMethod]
    public void LinearKeepsLeadingDimensionsAndAcceptsAnyLayout()
    {
        using var scope = NewDisposeScope();
        var generator = new torch.Generator(3);
        var weight = torch.randn(48, 96, generator: generator) * 0.1;
        var bias = torch.randn(48, generator: generator);
        var x = torch.randn(4, 96, 70, generator: generator).transpose(1, 2); // (4, 70, 96), not contiguous
        var expected = nn.functional.linear(x.to_type(ScalarType.Float64), weight.to_type(ScalarType.Float64), bias.to_type(ScalarType.Float64));

        var y = PointwiseConvolution.Linear(x, weight, bias);
        CollectionAssert.AreEqual(new long[] { 4, 70, 48 }, y.shape);
        AssertFloat32Accurate(expected, y, "3-D strided input");

        var withoutBias = PointwiseConvolution.Linear(x, weight, null);
        AssertFloat32Accurate(expected - bias.to_type(ScalarType.Float64), withoutBias, "no bias");

        // Layers: the Linear overload uses the layer's own weight and bias.
        using var layer = nn.Linear(96, 48);
        using (torch.no_grad()) { layer.weight!.copy_(weight); layer.bias!.copy_(bias); }
        AssertFloat32Accurate(expected, PointwiseConvolution.Linear(layer, x), "Linear layer");

        // No rows: an empty result of the right shape.
        CollectionAssert.AreEqual(new long[] { 0, 48 }, PointwiseConvolution.Linear(torch.zeros(0, 96), weight, bias).shape);
    }

    [TestMethod]
    public void OtherDtypesKeepThePlainLinear()
    {
        using var scope = NewDisposeScope();
        var generator = new torch.Generator(5);
        var x = torch.randn(300, 128, generator: generator, dtype: ScalarType.Float64);
        var weight = torch.randn(64, 128, generator: generator, dtype: ScalarType.Float64);
        Assert.IsTrue(PointwiseConvolution.Linear(x, weight, null).Identical(nn.functional.linear(x, weight)));
        var xb = x.to_type(ScalarType.BFloat16);
        var wb = weight.to_type(ScalarType.BFloat16);
        Assert.IsTrue(PointwiseConvolution.Linear(xb, wb, null).Identical(nn.functional.linear(xb, wb)));
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void GroupedLinearMultipliesEachGroupWithItsOwnWeights(bool enabled)
    {
        using var scope = NewDisposeScope();
        var generator = new torch.Generator(9);
        // The c2p shape of an 8 × 128 deberta-v3-base batch: 12 heads of 64, 255 reachable table rows.
        var states = torch.randn(8, 128, 12 * 64, generator: generator);
        var rows = torch.randn(12, 255, 64, generator: generator) * 0.2;
        var products = WithRoute(enabled, () => PointwiseConvolution.GroupedLinear(states, rows));
        CollectionAssert.AreEqual(new long[] { 8, 128, 12, 255 }, products.shape);

        var exact = torch.einsum("blhd,hrd->blhr", states.view(8, 128, 12, 64).to_type(ScalarType.Float64), rows.to_type(ScalarType.Float64));
        AssertFloat32Accurate(exact, products, $"grouped, convolution route {(enabled ? "on" : "off")}");
    }

    [TestMethod]
    public void GradientsAreAccurateToFloat32Rounding()
    {
        using var scope = NewDisposeScope();
        var generator = new torch.Generator(21);
        var x = torch.randn(512, 768, generator: generator);
        var weight = torch.randn(1024, 768, generator: generator) / Math.Sqrt(768);
        var bias = torch.randn(1024, generator: generator);
        var upstream = torch.randn(512, 1024, generator: generator);

        var exact = Gradients(x.to_type(ScalarType.Float64), weight.to_type(ScalarType.Float64), bias.to_type(ScalarType.Float64),
            upstream.to_type(ScalarType.Float64), (a, w, b) => nn.functional.linear(a, w, b));
        var ours = Gradients(x, weight, bias, upstream, PointwiseConvolution.Linear);
        string[] names = ["input", "weight", "bias"];
        for (int i = 0; i < 3; i++)
            AssertFloat32Accurate(exact[i], ours[i], $"gradient of the {names[i]}", scaleByMagnitude: true);
    }

    /// <summary>
    /// A whole model whose products take the convolution route (sizes above libtorch's oneDNN threshold) stays within
    /// the parity tolerance of the same model computed in float64; the golden models are too small for that route.
    /// </summary>
    [TestMethod]
    public void ModelStaysWithinParityToleranceOfFloat64()
    {
        using var scope = NewDisposeScope();
        var config = new DebertaConfig(DebertaVersion.V2)
        {
            VocabSize = 500, HiddenSize = 256, NumHiddenLayers = 4, NumAttentionHeads = 4, IntermediateSize = 1024,
            MaxPositionEmbeddings = 512, RelativeAttention = true, PosAttType = ["p2c", "c2p"], PositionBuckets = 256,
            NormRelEbd = "layer_norm", ShareAttKey = true, PositionBiasedInput = false,
        };
        using var model = new DebertaModel(config, seed: 2);
        using var model64 = new DebertaModel(config, seed: 2);
        model64.to(ScalarType.Float64);
        var generator = new torch.Generator(8);
        var ids = torch.randint(1, 500, [4, 160], generator: generator, dtype: ScalarType.Int64);
        var mask = torch.ones(4, 160, dtype: ScalarType.Int64);
        mask[3, TensorIndex.Slice(120)] = torch.tensor(0L);

        using var exact = model64.Predict(ids, mask);
        using var ours = model.Predict(ids, mask);
        AssertFloat32Accurate(exact.LastHiddenState, ours.LastHiddenState, "last_hidden_state");
    }

    private static Tensor WithRoute(bool enabled, Func<Tensor> compute)
    {
        bool was = PointwiseConvolution.Enabled;
        PointwiseConvolution.Enabled = enabled;
        try { return compute(); }
        finally { PointwiseConvolution.Enabled = was; }
    }

    private static Tensor[] Gradients(Tensor x, Tensor weight, Tensor bias, Tensor upstream, Func<Tensor, Tensor, Tensor?, Tensor> linear)
    {
        var leaves = new[] { x, weight, bias }.Select(t => t.detach().requires_grad_(true)).ToArray();
        linear(leaves[0], leaves[1], leaves[2]).backward([upstream]);
        return leaves.Select(t => t.grad!).ToArray();
    }

    // The parity criterion, |Δ| ≤ 1e-5·max(1, |ref|) elementwise, with the float64 result as the reference; for
    // gradients (sums over many rows) max(1, |ref|) is replaced by the largest |ref|, as the gradient parity check does.
    private void AssertFloat32Accurate(Tensor exact, Tensor actual, string what, bool scaleByMagnitude = false)
    {
        CollectionAssert.AreEqual(exact.shape, actual.shape, what);
        Assert.AreEqual(ScalarType.Float32, actual.dtype, what);
        var delta = (actual.to_type(ScalarType.Float64) - exact).abs();
        var scale = scaleByMagnitude ? exact.abs().max().clamp_min(1.0) : exact.abs().clamp_min(1.0);
        double worst = (delta / scale).max().item<double>();
        TestContext.WriteLine($"{what}: max |Δ| {delta.max().item<double>():E2}, max |Δ|/max(1,|ref|) {worst:E2}, mean |Δ| {delta.mean().item<double>():E2}");
        Assert.IsLessThanOrEqualTo(1e-5, worst, $"{what}: |Δ| reaches {worst:E2} of max(1, |ref|)");
    }
}
