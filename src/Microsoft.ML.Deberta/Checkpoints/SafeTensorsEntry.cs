using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>One tensor's description in a safetensors header.</summary>
/// <param name="Name">The tensor's key.</param>
/// <param name="DTypeName">The dtype as written in the file (e.g. <c>F16</c>).</param>
/// <param name="DType">The TorchSharp scalar type.</param>
/// <param name="Shape">The tensor's shape.</param>
/// <param name="Begin">Start of its bytes within the data section.</param>
/// <param name="End">End (exclusive) of its bytes within the data section.</param>
internal sealed record SafeTensorsEntry(string Name, string DTypeName, ScalarType DType, long[] Shape, long Begin, long End);
