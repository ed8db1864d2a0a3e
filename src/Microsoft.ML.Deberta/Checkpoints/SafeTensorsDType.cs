using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>A safetensors dtype name with its TorchSharp scalar type and element size.</summary>
/// <param name="Name">The name in the header (e.g. <c>BF16</c>).</param>
/// <param name="ScalarType">The TorchSharp scalar type.</param>
/// <param name="ElementSize">Bytes per element.</param>
/// <param name="Rank">
/// Position in the reference implementation's dtype enum, which is ordered by alignment; its writer puts tensors of
/// higher rank first so that every tensor's data stays aligned.
/// </param>
internal sealed record SafeTensorsDType(string Name, ScalarType ScalarType, int ElementSize, int Rank)
{
    // The dtypes TorchSharp has a scalar type for, with the ranks of huggingface/safetensors' `Dtype` enum
    // (BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64).
    private static readonly SafeTensorsDType[] All =
    [
        new("BOOL", ScalarType.Bool, 1, 0),
        new("U8", ScalarType.Byte, 1, 1),
        new("I8", ScalarType.Int8, 1, 2),
        new("I16", ScalarType.Int16, 2, 5),
        new("F16", ScalarType.Float16, 2, 7),
        new("BF16", ScalarType.BFloat16, 2, 8),
        new("I32", ScalarType.Int32, 4, 9),
        new("F32", ScalarType.Float32, 4, 11),
        new("F64", ScalarType.Float64, 8, 12),
        new("I64", ScalarType.Int64, 8, 13),
    ];

    public static IEnumerable<string> SupportedNames => All.Select(d => d.Name);

    public static SafeTensorsDType? FromName(string name) => All.FirstOrDefault(d => d.Name == name);

    public static SafeTensorsDType FromScalarType(ScalarType type, string tensorName) =>
        All.FirstOrDefault(d => d.ScalarType == type)
        ?? throw new ArgumentException($"Tensor '{tensorName}' has dtype {type}, which safetensors cannot store.");
}
