using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Deberta.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Checkpoints;

[TestClass]
public sealed class SafeTensorsFileTests
{
    // A safetensors file from a header string and data bytes; the header length can be made to lie.
    internal static byte[] File(string header, byte[] data, ulong? declaredHeaderLength = null) =>
        File(Encoding.UTF8.GetBytes(header), data, declaredHeaderLength);

    internal static byte[] File(byte[] header, byte[] data, ulong? declaredHeaderLength = null)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredHeaderLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    internal static void AssertRejected(byte[] file, params string[] expectedInMessage)
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("bad.safetensors", file);
        using var scope = torch.NewDisposeScope();
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensorsFile.Read(path));
        StringAssert.Contains(e.Message, path, "the message names the file");
        Assert.IsTrue(expectedInMessage.Any(m => e.Message.Contains(m, StringComparison.Ordinal)),
            $"message '{e.Message}' should say one of: {string.Join(" | ", expectedInMessage)}");
        Assert.AreEqual(0, scope.DisposablesCount, "no tensor is left behind");
    }

    [TestMethod]
    public void ReadsFloat16AndBFloat16BitPatternsExactly()
    {
        // IEEE binary16: 1, -2, 65504 (max), 2^-24 (smallest subnormal), +inf, -0.
        ushort[] half = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x8000];
        // bfloat16 is the top half of a binary32: 1, -3, 3.140625, max finite, smallest subnormal.
        ushort[] bf16 = [0x3F80, 0xC040, 0x4049, 0x7F7F, 0x0001];
        var data = new byte[2 * (half.Length + bf16.Length)];
        for (int i = 0; i < half.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), half[i]);
        for (int i = 0; i < bf16.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * (half.Length + i)), bf16[i]);
        var header = $$$"""{"h":{"dtype":"F16","shape":[2,3],"data_offsets":[0,12]},"b":{"dtype":"BF16","shape":[5],"data_offsets":[12,{{{data.Length}}}]}}""";
        using var dir = new TemporaryDirectory();
        var tensors = SafeTensorsFile.Read(dir.Write("bits.safetensors", File(header, data)));

        Assert.AreEqual(ScalarType.Float16, tensors["h"].dtype);
        Assert.AreEqual(ScalarType.BFloat16, tensors["b"].dtype);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, tensors["h"].shape);
        var h = tensors["h"].to(ScalarType.Float32).data<float>().ToArray();
        for (int i = 0; i < half.Length; i++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf(half[i]);
            Assert.AreEqual(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(h[i]), $"F16 element {i}");
        }
        var b = tensors["b"].to(ScalarType.Float32).data<float>().ToArray();
        for (int i = 0; i < bf16.Length; i++)
            Assert.AreEqual(bf16[i] << 16, BitConverter.SingleToInt32Bits(b[i]), $"BF16 element {i}");
        foreach (var t in tensors.Values) t.Dispose();
    }

    [TestMethod]
    public void RoundTripsEveryDTypeBitExactly()
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(1234);
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = torch.randn(new long[] { 3, 5 }, generator: generator),
            ["f16"] = torch.randn(new long[] { 7 }, generator: generator).to(ScalarType.Float16),
            ["bf16"] = torch.randn(new long[] { 2, 3, 2 }, generator: generator).to(ScalarType.BFloat16),
            ["i64"] = torch.arange(-5, 6, ScalarType.Int64),
            ["f64"] = torch.randn(new long[] { 3 }, ScalarType.Float64, generator: generator),
            ["i32"] = torch.tensor(new[] { int.MinValue, -1, 0, int.MaxValue }),
            ["i16"] = torch.tensor(new short[] { short.MinValue, 7, short.MaxValue }),
            ["i8"] = torch.tensor(new sbyte[] { -128, 5, 127 }),
            ["u8"] = torch.tensor(new byte[] { 0, 200, 255 }),
            ["bool"] = torch.tensor(new[] { true, false, true }),
            ["scalar"] = torch.tensor(3.5f),
            ["empty"] = torch.zeros(new long[] { 0, 3 }),
            ["transposed"] = torch.arange(6, ScalarType.Float32).reshape(2, 3).t(),
            ["schicht.größe+<1>"] = torch.ones(2),
        };
        using var dir = new TemporaryDirectory();
        var path = dir.File("all.safetensors");
        SafeTensorsFile.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });

        var again = SafeTensorsFile.Read(path);
        CollectionAssert.AreEquivalent(tensors.Keys.ToList(), again.Keys.ToList());
        foreach (var (name, t) in tensors)
            TensorAssert.BitEqual(t, again[name], name);
        Assert.AreEqual("pt", SafeTensorsFile.ReadMetadata(path)["format"]);
        var bytes = System.IO.File.ReadAllBytes(path);
        CheckReferenceLayout(bytes);
        Assert.IsTrue(bytes.AsSpan().IndexOf("\"schicht.größe+<1>\""u8) > 0, "names are written as raw UTF-8, not escaped");
    }

    // What the reference reader requires and its writer guarantees: header length a multiple of 8, padded with
    // spaces; __metadata__ first; tensors' data contiguous from 0 to the end of the file, each aligned to its
    // element size in the file.
    private static void CheckReferenceLayout(byte[] file)
    {
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.AreEqual(0, n % 8, "header length is a multiple of 8");
        var header = Encoding.UTF8.GetString(file, 8, n);
        Assert.AreEqual(header.TrimEnd().Length, header.TrimEnd(' ').Length);
        using var doc = JsonDocument.Parse(header);
        var properties = doc.RootElement.EnumerateObject().ToList();
        Assert.AreEqual("__metadata__", properties[0].Name);
        long expectedBegin = 0;
        foreach (var p in properties.Skip(1))
        {
            long begin = p.Value.GetProperty("data_offsets")[0].GetInt64();
            long end = p.Value.GetProperty("data_offsets")[1].GetInt64();
            Assert.AreEqual(expectedBegin, begin, $"'{p.Name}' follows the previous tensor");
            int size = p.Value.GetProperty("dtype").GetString() switch { "F64" or "I64" => 8, "F32" or "I32" => 4, "F16" or "BF16" or "I16" => 2, _ => 1 };
            Assert.AreEqual(0, (8 + n + begin) % size, $"'{p.Name}' is aligned");
            expectedBegin = end;
        }
        long dataLength = file.Length - 8 - n;
        Assert.AreEqual(expectedBegin, dataLength, "the data ends at the end of the file");
    }

    // Byte vectors from the reference implementation's own tests (huggingface/safetensors, safetensors/src/tensor.rs:
    // test_serialization, test_serialization_forced_alignement, test_empty).
    [TestMethod]
    public void WritesTheReferenceImplementationsBytes()
    {
        var values = torch.tensor(new[] { 0f, 1, 2, 3, 4, 5 });
        byte[] Serialize(Dictionary<string, Tensor> tensors, Dictionary<string, string>? metadata = null)
        {
            using var stream = new MemoryStream();
            SafeTensorsFile.Write(stream, tensors, metadata);
            return stream.ToArray();
        }
        CollectionAssert.AreEqual(new byte[]
        {
            64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
            116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
            58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
            101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
            0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
        }, Serialize(new() { ["attn.0"] = values.reshape(1, 2, 3) }));
        CollectionAssert.AreEqual(new byte[]
        {
            72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
            121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
            91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
            115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
            32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
            160, 64,
        }, Serialize(new() { ["attn0"] = values.reshape(1, 1, 2, 3) }));
        CollectionAssert.AreEqual(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32 }, Serialize(new()));
        CollectionAssert.AreEqual(new byte[]
        {
            40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
            95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
            116, 34, 125, 125, 32, 32, 32, 32, 32,
        }, Serialize(new(), new() { ["framework"] = "pt" }));

        // ... and what it reads: the empty file is an empty state dict.
        using var empty = new MemoryStream(Serialize(new()));
        Assert.AreEqual(0, SafeTensorsFile.Read(empty, "empty").Count);
        values.Dispose();
    }

    // Every safetensors file of the reference data was written by the Python library; reading one and writing it
    // back must give the same bytes (mixed F32/I64 files included, which the reference orders by dtype).
    [TestMethod]
    public void RewritesEveryReferenceFileByteForByte()
    {
        var files = Directory.GetFiles(TensorAssert.GoldenModels, "*.safetensors", SearchOption.AllDirectories);
        Assert.IsTrue(files.Length > 20, "the reference data is present");
        foreach (var path in files)
        {
            using var scope = torch.NewDisposeScope();
            var original = System.IO.File.ReadAllBytes(path);
            var tensors = SafeTensorsFile.Read(path);
            using var stream = new MemoryStream();
            SafeTensorsFile.Write(stream, tensors, SafeTensorsFile.ReadMetadata(path).ToDictionary());
            Assert.IsTrue(original.AsSpan().SequenceEqual(stream.ToArray()), $"rewriting '{path}' changes its bytes");
        }
    }

    [TestMethod]
    public void ReadsEachByteOnceAndTheHeaderAlone()
    {
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["big"] = torch.arange(4L << 20, ScalarType.Float32),  // 16 MB
            ["small"] = torch.ones(3, ScalarType.Float16),
        };
        using var buffer = new MemoryStream();
        SafeTensorsFile.Write(buffer, tensors);
        var bytes = buffer.ToArray();
        long headerEnd = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);

        var headerOnly = new CountingStream(bytes, seekable: true);
        var entries = SafeTensorsFile.ReadHeader(headerOnly, "mem");
        Assert.AreEqual(headerEnd, headerOnly.BytesRead, "reading the header reads nothing else");
        Assert.AreEqual(2, entries.Count);

        foreach (bool seekable in new[] { true, false })
        {
            var counting = new CountingStream(bytes, seekable);
            var read = SafeTensorsFile.Read(counting, "mem");
            Assert.AreEqual(bytes.Length, counting.BytesRead, $"each byte read once (seekable: {seekable})");
            foreach (var (name, t) in tensors) TensorAssert.BitEqual(t, read[name], name);
        }
    }

    [TestMethod]
    public void ChunkedCopiesMatchWholeCopies()
    {
        // Tensors over 1 GB are copied in chunks; a tiny chunk size exercises that path on a small tensor.
        using var scope = torch.NewDisposeScope();
        var source = torch.arange(1001, ScalarType.Float32);
        using var buffer = new MemoryStream();
        RawTensorData.Write(source, buffer, chunkBytes: 64);
        CollectionAssert.AreEqual(source.bytes.ToArray(), buffer.ToArray());
        buffer.Position = 0;
        var copy = torch.empty(1001, ScalarType.Float32);
        RawTensorData.Fill(copy, buffer, chunkBytes: 12);
        TensorAssert.BitEqual(source, copy, "chunked");
    }

    [TestMethod]
    public void TruncatedFilesAreRejectedWherevertheyEnd()
    {
        using var scope = torch.NewDisposeScope();
        var tensors = SafeTensorsFile.Read(Path.Combine(TensorAssert.GoldenModels, "v1_rel_c2p_p2c", "base", "model.safetensors"));
        using var buffer = new MemoryStream();
        SafeTensorsFile.Write(buffer, tensors);
        var bytes = buffer.ToArray();
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        int[] cuts = [0, 4, 8, 8 + n / 2, 8 + n - 1, 8 + n + 2, 8 + n + 1000, bytes.Length - 1];
        foreach (int cut in cuts)
            AssertRejected(bytes[..cut], "truncated", "shorter than");
    }

    [TestMethod]
    public void TruncatedStreamsAreRejectedAndReleaseWhatTheyRead()
    {
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor> { ["a"] = torch.ones(10), ["b"] = torch.ones(10), ["c"] = torch.ones(10) };
        using var buffer = new MemoryStream();
        SafeTensorsFile.Write(buffer, tensors);
        var bytes = buffer.ToArray()[..^5];
        int before = scope.DisposablesCount;
        // Not seekable, so the header cannot be checked against a length: the end is found while reading "c".
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensorsFile.Read(new CountingStream(bytes, seekable: false), "stream"));
        StringAssert.Contains(e.Message, "'c'");
        Assert.AreEqual(before, scope.DisposablesCount, "tensors a and b were disposed");
    }

    [TestMethod]
    [DataRow("""{"big":{"dtype":"F32","shape":[274877906944],"data_offsets":[0,1099511627776]}}""", "'big'", DisplayName = "one 1 TiB tensor")]
    [DataRow("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"big":{"dtype":"F16","shape":[1024,1024,1024,64],"data_offsets":[8,137438953480]}}""", "'big'", DisplayName = "a real tensor, then a 128 GiB one")]
    public void NonSeekableStreamsWithLyingHeadersAreRejectedWithoutAllocatingTheClaim(string header, string expected)
    {
        // Without a length to check the offsets against, the reader may only allocate what the stream delivers.
        var bytes = File(header, new byte[16]);
        using var scope = torch.NewDisposeScope();
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensorsFile.Read(new CountingStream(bytes, seekable: false), "stream"));
        StringAssert.Contains(e.Message, expected);
        StringAssert.Contains(e.Message, "truncated");
        Assert.AreEqual(0, scope.DisposablesCount, "no tensor is left behind");
    }

    [TestMethod]
    public void NonSeekableStreamsAreReadInBoundedChunks()
    {
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["a"] = torch.arange(1001, ScalarType.Float32),
            ["b"] = torch.arange(7, ScalarType.Int64),
            ["s"] = torch.tensor(3.5f),
        };
        using var buffer = new MemoryStream();
        SafeTensorsFile.Write(buffer, tensors);
        var read = SafeTensorsFile.Read(new CountingStream(buffer.ToArray(), seekable: false), "stream", boundedChunkBytes: 64);
        foreach (var (name, t) in tensors) TensorAssert.BitEqual(t, read[name], name);
    }

    [TestMethod]
    [DataRow(1000UL, DisplayName = "header length past the end of the file")]
    [DataRow(200_000_000UL, DisplayName = "header length over the reference limit")]
    [DataRow(1UL << 40, DisplayName = "header length 2^40")]
    [DataRow(ulong.MaxValue, DisplayName = "header length 2^64-1")]
    public void HugeHeaderLengthsAreRejected(ulong declared) =>
        AssertRejected(File("{}", new byte[90], declared), "header length");

    [TestMethod]
    [DataRow("not json", 0, "not valid JSON", DisplayName = "header is not JSON")]
    [DataRow("[1, 2]", 0, "not a JSON object", DisplayName = "header is not an object")]
    [DataRow("""{"a":{"dtype":"X99","shape":[1],"data_offsets":[0,4]}}""", 4, "dtype 'X99'", DisplayName = "unknown dtype")]
    [DataRow("""{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}""", 1, "dtype 'F8_E4M3'", DisplayName = "dtype TorchSharp lacks")]
    [DataRow("""{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}""", 12, "need 16", DisplayName = "shape x dtype != offsets span")]
    [DataRow("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 4, "truncated", DisplayName = "offsets beyond the end")]
    [DataRow("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "overlaps", DisplayName = "overlapping offsets")]
    [DataRow("""{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", 8, "invalid dimension", DisplayName = "negative dimension")]
    [DataRow("""{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}""", 8, "invalid dimension", DisplayName = "fractional dimension")]
    [DataRow("""{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}""", 4, "too large", DisplayName = "shape overflows")]
    [DataRow("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "gap", DisplayName = "gap before a tensor")]
    [DataRow("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8, "after the last tensor", DisplayName = "bytes after the last tensor")]
    [DataRow("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}""", 8, "invalid", DisplayName = "end before begin")]
    [DataRow("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}""", 0, "invalid", DisplayName = "negative offset")]
    [DataRow("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,1e30]}}""", 4, "invalid", DisplayName = "offset beyond 64 bits")]
    [DataRow("""{"a":{"dtype":"F32","shape":[1]}}""", 4, "needs 'dtype'", DisplayName = "missing data_offsets")]
    [DataRow("""{"a":[1]}""", 4, "needs 'dtype'", DisplayName = "entry is not an object")]
    [DataRow("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "twice", DisplayName = "duplicate name")]
    [DataRow("""{"__metadata__":{"format":1}}""", 0, "not a string", DisplayName = "metadata value not a string")]
    public void LyingHeadersAreRejected(string header, int dataBytes, string expected) =>
        AssertRejected(File(header, new byte[dataBytes]), expected);

    [TestMethod]
    public void HeaderThatIsNotUtf8IsRejected() =>
        AssertRejected(File(new byte[] { (byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}' }, []), "not valid UTF-8");

    [TestMethod]
    public void MissingFileIsReported()
    {
        using var dir = new TemporaryDirectory();
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => SafeTensorsFile.Read(dir.File("none.safetensors")));
        StringAssert.Contains(e.Message, "none.safetensors");
    }

    [TestMethod]
    public void WriterRefusesTheMetadataKeyAsATensorName()
    {
        using var t = torch.ones(1);
        Assert.ThrowsExactly<ArgumentException>(() => SafeTensorsFile.Write(new MemoryStream(), new Dictionary<string, Tensor> { ["__metadata__"] = t }));
    }

    /// <summary>A read-only stream over bytes that counts what is read and can hide that it could seek.</summary>
    internal sealed class CountingStream(byte[] bytes, bool seekable) : Stream
    {
        private readonly MemoryStream _inner = new(bytes, writable: false);
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => seekable;
        public override bool CanWrite => false;
        public override long Length => seekable ? _inner.Length : throw new NotSupportedException();
        public override long Position
        {
            get => seekable ? _inner.Position : throw new NotSupportedException();
            set { if (!seekable) throw new NotSupportedException(); _inner.Position = value; }
        }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            int n = _inner.Read(buffer);
            BytesRead += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => seekable ? _inner.Seek(offset, origin) : throw new NotSupportedException();
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
