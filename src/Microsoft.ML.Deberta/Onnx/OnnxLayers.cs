using Microsoft.ML.Deberta.Configuration;
using static Microsoft.ML.Deberta.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Onnx;

/// <summary>
/// The building blocks shared by every part of the exported graph — linear layers, layer norms, activations — reading
/// their weights from the model's state dict by transformers' key names.
/// </summary>
internal sealed class OnnxLayers
{
    private readonly IReadOnlyDictionary<string, Tensor> weights;
    private readonly OnnxWeightFormat encoderFormat;

    public OnnxLayers(OnnxGraphBuilder graph, IReadOnlyDictionary<string, Tensor> weights, OnnxWeightFormat encoderFormat)
    {
        Graph = graph;
        this.weights = weights;
        this.encoderFormat = encoderFormat;
    }

    public OnnxGraphBuilder Graph { get; }

    public bool Has(string key) => weights.ContainsKey(key);

    /// <summary>The initializer holding state-dict entry <paramref name="key"/> as it is.</summary>
    public string Weight(string key) => Graph.Weight(key, Require(key));

    /// <summary>x · Wᵀ + b for a (out, in) table <paramref name="weightKey"/> and a separate bias entry (a tied decoder).</summary>
    public string LinearWith(string x, string weightKey, string biasKey)
    {
        using var transposed = Require(weightKey).t();
        var product = Graph.Op("MatMul", [x, Graph.Weight(weightKey + ".T", transposed)]);
        return Graph.Op("Add", [product, Weight(biasKey)]);
    }

    /// <summary>x · Wᵀ + b, with Wᵀ stored transposed so the graph runs a plain MatMul; the bias only when the layer has one.</summary>
    public string Linear(string x, string prefix)
    {
        if (Has(prefix + ".bias"))
            return LinearWith(x, prefix + ".weight", prefix + ".bias");
        using var transposed = Require(prefix + ".weight").t();
        return Graph.Op("MatMul", [x, Graph.Weight(prefix + ".weight.T", transposed)]);
    }

    /// <summary>
    /// A linear layer of the encoder (attention and relative-position projections, intermediate, output): a MatMul like
    /// <see cref="Linear"/>, or with <see cref="OnnxWeightFormat.Int8"/> the dynamic int8 form of onnxruntime's
    /// quantize_dynamic: DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q, x_zero_point, W_zero_point) → Cast → Mul by
    /// (x_scale · per-channel weight scale) → Add bias. Each layer gets its own chain, scale Mul included: ONNX Runtime
    /// fuses it into MatMulIntegerToFloat only when every link has a single consumer, then folds the quantisation in
    /// (DynamicQuantizeMatMul) unless its common-subexpression pass merged it with another layer's on the same input.
    /// </summary>
    public string EncoderLinear(string x, string prefix)
    {
        if (encoderFormat != OnnxWeightFormat.Int8)
            return Linear(x, prefix);
        string weightKey = prefix + ".weight";
        var weight = Graph.Int8Weight(weightKey + ".T", () => Quantized(Require(weightKey), weightKey));
        var quantized = Graph.OpMany("DynamicQuantizeLinear", [x], 3);
        var product = Graph.Op("MatMulInteger", [quantized[0], weight.Values, quantized[2], weight.ZeroPoints]);
        var scales = Graph.Op("Mul", [quantized[1], weight.Scales]);
        var rescaled = Graph.Op("Mul", [Graph.Op("Cast", [product], Int("to", 1)), scales]);
        return Has(prefix + ".bias") ? Graph.Op("Add", [rescaled, Weight(prefix + ".bias")]) : rescaled;
    }

    /// <summary>Layer normalisation over the last axis (v1's DebertaLayerNorm computes the same thing in fp32).</summary>
    public string LayerNorm(string x, string prefix, double eps) =>
        Graph.Op("LayerNormalization", [x, Weight(prefix + ".weight"), Weight(prefix + ".bias")],
            Int("axis", -1), Float("epsilon", (float)eps));

    /// <summary>The activation, spelled in standard ops (opset 17 has no Gelu op; ORT fuses this pattern back).</summary>
    public string Activation(ActivationFunction function, string x)
    {
        switch (function)
        {
            case ActivationFunction.Gelu:
            {
                // torch's exact gelu: x · 0.5 · (1 + erf(x / √2)), spelled with Div by √2 as torch.onnx.export writes
                // it — the pattern ONNX Runtime's GeluFusion matches (with Mul by 1/√2 the five ops stay separate).
                var erf = Graph.Op("Erf", [Graph.Op("Div", [x, Graph.Scalar((float)Math.Sqrt(2))])]);
                var half = Graph.Op("Mul", [x, Graph.Scalar(0.5f)]);
                return Graph.Op("Mul", [half, Graph.Op("Add", [erf, Graph.Scalar(1f)])]);
            }
            case ActivationFunction.GeluNew:
            {
                // transformers' NewGELUActivation, op for op: x · 0.5 · (tanh((x + 0.044715 · x³) · √(2/π)) + 1).
                var cube = Graph.Op("Mul", [Graph.Op("Pow", [x, Graph.Scalar(3f)]), Graph.Scalar(0.044715f)]);
                var inner = Graph.Op("Mul", [Graph.Op("Add", [x, cube]), Graph.Scalar((float)Math.Sqrt(2 / Math.PI))]);
                var half = Graph.Op("Mul", [x, Graph.Scalar(0.5f)]);
                return Graph.Op("Mul", [half, Graph.Op("Add", [Graph.Op("Tanh", [inner]), Graph.Scalar(1f)])]);
            }
            case ActivationFunction.Relu:
                return Graph.Op("Relu", [x]);
            case ActivationFunction.Tanh:
                return Graph.Op("Tanh", [x]);
            default:
                throw new NotSupportedException($"ONNX export does not support the activation {function}.");
        }
    }

    /// <summary>(…, L, H·d) → (…, H, L, d): splits the last axis into heads and moves heads before the sequence.</summary>
    public string SplitHeads(string x, int heads) =>
        Graph.Op("Transpose", [Graph.Op("Reshape", [x, Graph.Vector(0, 0, heads, -1)])], Ints("perm", 0, 2, 1, 3));

    /// <summary>(R, H·d) → (H, d, R): a projected relative-embedding table, transposed for Q · Pᵀ per head.</summary>
    public string HeadsTransposedRows(string rows, int heads) =>
        Graph.Op("Transpose", [Graph.Op("Reshape", [rows, Graph.Vector(0, heads, -1)])], Ints("perm", 1, 2, 0));

    private static PerChannelInt8Weights Quantized(Tensor weight, string key)
    {
        if (weight.dim() != 2)
            throw new InvalidOperationException($"ONNX export: '{key}' has {weight.dim()} dimensions; an int8 linear weight needs (out, in).");
        using var cpu = weight.detach().to(ScalarType.Float32, CPU).contiguous();
        return PerChannelInt8Weights.Quantize(cpu.data<float>().ToArray(), (int)cpu.shape[0], (int)cpu.shape[1]);
    }

    private Tensor Require(string key) =>
        weights.TryGetValue(key, out var tensor)
            ? tensor
            : throw new InvalidOperationException($"ONNX export: the model has no weight '{key}'; the graph cannot be built.");
}
