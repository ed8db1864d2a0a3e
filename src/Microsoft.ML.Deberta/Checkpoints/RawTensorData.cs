using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>
/// Copies a CPU tensor's raw little-endian bytes between native memory and a stream, without an intermediate
/// managed copy of the whole tensor (checkpoints hold tensors near a gigabyte, and beyond 2 GB a span cannot
/// cover one at all).
/// </summary>
internal static class RawTensorData
{
    // A span addresses at most int.MaxValue bytes; larger tensors are copied through 1-D views of this many bytes.
    internal const long DefaultChunkBytes = 1L << 30;

    /// <summary>Fills a freshly created contiguous CPU tensor with the next bytes of the stream.</summary>
    /// <exception cref="EndOfStreamException">The stream ends before the tensor is full.</exception>
    public static void Fill(Tensor tensor, Stream stream, long chunkBytes = DefaultChunkBytes)
    {
        long elementCount = tensor.numel();
        if (elementCount == 0) return;
        long elementSize = tensor.ElementSize;
        if (elementCount * elementSize <= chunkBytes)
        {
            stream.ReadExactly(tensor.bytes);
            return;
        }
        using var flat = tensor.view(-1);
        long perChunk = Math.Max(1, chunkBytes / elementSize);
        for (long start = 0; start < elementCount; start += perChunk)
        {
            using var part = flat.narrow(0, start, Math.Min(perChunk, elementCount - start));
            stream.ReadExactly(part.bytes);
        }
    }

    /// <summary>
    /// Reads a tensor of the given shape from the next bytes of the stream without trusting the shape: the bytes are
    /// collected in pieces of at most <paramref name="chunkBytes"/>, each allocated when the previous one is full, and
    /// the tensor is created only once all of them have arrived.
    /// </summary>
    /// <exception cref="EndOfStreamException">The stream ends before the tensor is complete.</exception>
    public static Tensor ReadBounded(long[] shape, ScalarType dtype, Stream stream, long chunkBytes)
    {
        long elementSize = dtype.ElementSize();
        long total = shape.Aggregate(1L, (a, b) => checked(a * b)) * elementSize;
        long perChunk = Math.Max(1, chunkBytes / elementSize) * elementSize;
        var chunks = new List<byte[]>();
        for (long read = 0; read < total; read += perChunk)
        {
            var chunk = new byte[Math.Min(perChunk, total - read)];
            stream.ReadExactly(chunk);
            chunks.Add(chunk);
        }
        var tensor = torch.empty(shape, dtype);
        using var flat = tensor.view(-1);
        long start = 0;
        foreach (var chunk in chunks)
        {
            using var part = flat.narrow(0, start, chunk.Length / elementSize);
            chunk.CopyTo(part.bytes);
            start += chunk.Length / elementSize;
        }
        return tensor;
    }

    /// <summary>Writes the bytes of a contiguous CPU tensor to the stream.</summary>
    public static void Write(Tensor tensor, Stream stream, long chunkBytes = DefaultChunkBytes)
    {
        long elementCount = tensor.numel();
        if (elementCount == 0) return;
        long elementSize = tensor.ElementSize;
        if (elementCount * elementSize <= chunkBytes)
        {
            stream.Write(tensor.bytes);
            return;
        }
        using var flat = tensor.view(-1);
        long perChunk = Math.Max(1, chunkBytes / elementSize);
        for (long start = 0; start < elementCount; start += perChunk)
        {
            using var part = flat.narrow(0, start, Math.Min(perChunk, elementCount - start));
            stream.Write(part.bytes);
        }
    }
}
