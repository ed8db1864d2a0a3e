using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Onnx.Proto;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>Runs an ONNX graph with ONNX Runtime on int64 inputs given as TorchSharp tensors; returns one float output.</summary>
internal static class OnnxRuntimeRun
{
    public static (float[] Values, long[] Shape) Run(InferenceSession session, IReadOnlyDictionary<string, Tensor> inputs, string output)
    {
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var name in session.InputNames)
            {
                if (!inputs.TryGetValue(name, out var tensor))
                    throw new AssertFailedException($"The graph wants input '{name}', which the test does not supply.");
                using var cpu = tensor.to(ScalarType.Int64).contiguous();
                names.Add(name);
                values.Add(OrtValue.CreateTensorValueFromMemory(cpu.data<long>().ToArray(), cpu.shape));
            }
            using var options = new RunOptions();
            using var results = session.Run(options, names, values, [output]);
            var result = results[0];
            return (result.GetTensorDataAsSpan<float>().ToArray(), result.GetTensorTypeAndShape().Shape);
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    /// <summary>
    /// Random ids (1 … vocab − 1), token types and a mask whose last row is half padding: the graph inputs by name.
    /// </summary>
    public static Dictionary<string, Tensor> RandomInputs(DebertaConfig config, int batch, int length, Generator generator)
    {
        var ids = randint(1, config.VocabSize, [batch, length], generator: generator, dtype: ScalarType.Int64);
        var mask = ones(batch, length, dtype: ScalarType.Int64);
        mask[batch - 1, TensorIndex.Slice((length + 1) / 2)] = tensor(0L);
        var types = randint(0, Math.Max(1, config.TypeVocabSize), [batch, length], generator: generator, dtype: ScalarType.Int64);
        return new Dictionary<string, Tensor> { ["input_ids"] = ids, ["attention_mask"] = mask, ["token_type_ids"] = types };
    }

    /// <summary>The graph as ONNX Runtime optimises it at <paramref name="level"/> when it opens a session on <paramref name="graph"/>.</summary>
    public static GraphProto Optimized(byte[] graph, GraphOptimizationLevel level)
    {
        using var dir = new TemporaryDirectory();
        using var options = new SessionOptions { GraphOptimizationLevel = level, OptimizedModelFilePath = dir.File("optimized.onnx") };
        using (new InferenceSession(graph, options)) { }
        return ModelProto.Parser.ParseFrom(File.ReadAllBytes(dir.File("optimized.onnx"))).Graph;
    }

    public static float MaxAbsDifference(float[] actual, Tensor expected)
    {
        using var cpu = expected.to(ScalarType.Float32).contiguous();
        var reference = cpu.data<float>().ToArray();
        Assert.HasCount(reference.Length, actual, "ONNX Runtime returned a different number of values than the reference.");
        return reference.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
    }
}
