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

    public static float MaxAbsDifference(float[] actual, Tensor expected)
    {
        using var cpu = expected.to(ScalarType.Float32).contiguous();
        var reference = cpu.data<float>().ToArray();
        Assert.HasCount(reference.Length, actual, "ONNX Runtime returned a different number of values than the reference.");
        return reference.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
    }
}
