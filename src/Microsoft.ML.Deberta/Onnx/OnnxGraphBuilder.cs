using System.Runtime.InteropServices;
using Google.Protobuf;
using Microsoft.ML.Deberta.Onnx.Proto;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Onnx;

/// <summary>
/// Appends nodes, constants and initializers to an ONNX graph, handing out unique value names, so the DeBERTa graph
/// code reads as a sequence of ops. Every op it emits is in the default (ai.onnx) domain.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto graph = new() { Name = "deberta" };
    private readonly HashSet<string> initializerNames = new(StringComparer.Ordinal);
    private int counter;

    public GraphProto Graph => graph;

    /// <summary>
    /// When true, <see cref="Weight"/> stores every weight of rank 2 or more (linear weights, embedding tables, the conv
    /// kernel) as a float16 initializer read through a <c>Cast</c> to float32; vectors (biases, layer norms) stay float32.
    /// </summary>
    public bool MatricesAsFloat16 { get; init; }

    // A float16 initializer's name → the name of its Cast to float32, which is what the graph reads.
    private readonly Dictionary<string, string> float32Views = new(StringComparer.Ordinal);

    /// <summary>Adds one node with a single output and returns the output's name.</summary>
    public string Op(string opType, string[] inputs, params AttributeProto[] attributes) =>
        OpMany(opType, inputs, 1, attributes)[0];

    /// <summary>Adds one node with <paramref name="outputCount"/> outputs and returns their names.</summary>
    public string[] OpMany(string opType, string[] inputs, int outputCount, params AttributeProto[] attributes)
    {
        int id = counter++;
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{id}" };
        node.Input.AddRange(inputs);
        var outputs = Enumerable.Range(0, outputCount).Select(k => $"{opType.ToLowerInvariant()}_{id}_{k}").ToArray();
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return outputs;
    }

    /// <summary>Renames the output of the last node, for graph outputs that must carry a public name.</summary>
    public void NameLastOutput(string name) => graph.Node[^1].Output[0] = name;

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A float32 scalar constant (an initializer, so ORT folds it).</summary>
    public string Scalar(float value) => AddInitializer(FloatTensor($"const_f{counter++}", [], [value]));

    /// <summary>An int64 constant of the given shape (a scalar when <paramref name="dims"/> is empty).</summary>
    public string Int64s(long[] dims, params long[] values)
    {
        var tensor = new TensorProto { Name = $"const_i{counter++}", DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        return AddInitializer(tensor);
    }

    /// <summary>A 1-D int64 constant, the usual form of shapes, axes and slice bounds.</summary>
    public string Vector(params long[] values) => Int64s([values.Length], values);

    /// <summary>
    /// A float32 weight as an initializer named <paramref name="name"/>, its values copied from the TorchSharp tensor
    /// (cast to float32 on the CPU first, so half-precision models export as fp32 graphs).
    /// </summary>
    /// <remarks>With <see cref="MatricesAsFloat16"/> a matrix is rounded to float16 (nearest, ties to even) and the
    /// returned name is its Cast to float32.</remarks>
    public string Weight(string name, Tensor tensor)
    {
        if (float32Views.TryGetValue(name, out var view))
            return view;
        if (initializerNames.Contains(name))
            return name;
        using var scope = NewDisposeScope();
        if (MatricesAsFloat16 && tensor.dim() >= 2)
            return Float16Weight(name, tensor);
        using var cpu = tensor.detach().to(ScalarType.Float32, CPU).contiguous();
        var values = cpu.data<float>().ToArray();
        return AddInitializer(FloatTensor(name, cpu.shape, values));
    }

    private string Float16Weight(string name, Tensor tensor)
    {
        using var cpu = tensor.detach().to(ScalarType.Float32, CPU).to(ScalarType.Float16).contiguous();
        var values = cpu.data<Half>().ToArray();
        int overflow = Array.FindIndex(values, v => !Half.IsFinite(v));
        if (overflow >= 0)
            throw new NotSupportedException(
                $"ONNX export as float16: weight '{name}' holds a value beyond float16's range (±65504) at flat index {overflow}; export as OnnxWeightFormat.Float32.");
        AddInitializer(RawTensor(name, TensorProto.Types.DataType.Float16, cpu.shape, MemoryMarshal.AsBytes(values.AsSpan())));
        var cast = Op("Cast", [name], Int("to", (long)TensorProto.Types.DataType.Float));
        float32Views[name] = cast;
        return cast;
    }

    /// <summary>
    /// A linear layer's int8 weight as three initializers — the (in, out) values, the per-output-channel float32 scales
    /// and int8 zero points (all 0) — named <paramref name="name"/> plus <c>.int8</c>, <c>.scale</c>, <c>.zero_point</c>;
    /// returns the three names. <paramref name="quantize"/> runs only the first time a name is asked for (a shared projection).
    /// </summary>
    public (string Values, string Scales, string ZeroPoints) Int8Weight(string name, Func<PerChannelInt8Weights> quantize)
    {
        var names = (Values: name + ".int8", Scales: name + ".scale", ZeroPoints: name + ".zero_point");
        if (initializerNames.Contains(names.Values))
            return names;
        var weights = quantize();
        AddInitializer(RawTensor(names.Values, TensorProto.Types.DataType.Int8, [weights.InFeatures, weights.OutFeatures], MemoryMarshal.AsBytes(weights.Transposed.AsSpan())));
        AddInitializer(FloatTensor(names.Scales, [weights.OutFeatures], weights.Scales));
        AddInitializer(RawTensor(names.ZeroPoints, TensorProto.Types.DataType.Int8, [weights.OutFeatures], new byte[weights.OutFeatures]));
        return names;
    }

    private static TensorProto RawTensor(string name, TensorProto.Types.DataType type, long[] dims, ReadOnlySpan<byte> bytes)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(bytes);
        return tensor;
    }

    private static TensorProto FloatTensor(string name, long[] dims, float[] values) =>
        RawTensor(name, TensorProto.Types.DataType.Float, dims, MemoryMarshal.AsBytes(values.AsSpan()));

    private string AddInitializer(TensorProto tensor)
    {
        initializerNames.Add(tensor.Name);
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Declares a graph input or output: a tensor of <paramref name="elementType"/> with named (dynamic) or fixed dims.</summary>
    public static ValueInfoProto Value(string name, TensorProto.Types.DataType elementType, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim) });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = shape } },
        };
    }
}
