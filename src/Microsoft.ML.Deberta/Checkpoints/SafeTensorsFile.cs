using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (an 8-byte little-endian header length, a JSON header of
/// <c>dtype</c>/<c>shape</c>/<c>data_offsets</c> per tensor, then raw little-endian bytes).
/// </summary>
/// <remarks>
/// Every header field is checked against the file before a byte of tensor data is read, so a truncated file or a
/// header whose dtype, shape or offsets lie raises <see cref="InvalidDataException"/> naming the file and the
/// tensor instead of crashing in native code or producing a half-filled tensor.
/// </remarks>
public static class SafeTensorsFile
{
    // The header is JSON; real checkpoints have headers of a few hundred kB. Anything beyond this is corrupt.
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Reads every tensor of a safetensors file, in the dtype it is stored in.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>Tensors by name, on the CPU. The caller owns them.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is truncated or its header does not describe its contents.</exception>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Safetensors file '{path}' does not exist.", path);
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads every tensor of a safetensors stream, in the dtype it is stored in.</summary>
    /// <param name="stream">A readable stream positioned at the start of the safetensors data.</param>
    /// <param name="sourceName">A name for error messages (usually the file path).</param>
    public static Dictionary<string, Tensor> Read(Stream stream, string sourceName)
    {
        var entries = ReadHeader(stream, sourceName, out long dataStart, out long dataLength);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in entries.OrderBy(e => e.Begin))
            {
                var bytes = new byte[entry.End - entry.Begin];
                if (stream.CanSeek)
                    stream.Position = dataStart + entry.Begin;
                stream.ReadExactly(bytes);
                var tensor = torch.empty(entry.Shape, entry.DType);
                if (bytes.Length > 0)
                    tensor.bytes = bytes;
                result.Add(entry.Name, tensor);
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>Reads only the header of a safetensors file: names, dtypes and shapes, checked against the file size.</summary>
    public static IReadOnlyList<SafeTensorsEntry> ReadHeader(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Safetensors file '{path}' does not exist.", path);
        using var stream = File.OpenRead(path);
        return ReadHeader(stream, path, out _, out _);
    }

    /// <summary>
    /// Writes tensors to a safetensors file, names sorted as the Python library does. The file is written to a
    /// temporary name and moved into place, so a failure never leaves a half-written file behind.
    /// </summary>
    /// <param name="path">Destination file.</param>
    /// <param name="tensors">Tensors by name; they are written in their own dtype.</param>
    /// <param name="metadata">Optional string metadata (the <c>__metadata__</c> entry), e.g. <c>format: pt</c>.</param>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var stream = File.Create(temp))
                Write(stream, tensors, metadata);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes tensors in safetensors format to a stream.</summary>
    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        var payloads = new List<byte[]>(names.Count);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var name in names)
            {
                var tensor = tensors[name];
                using var contiguous = tensor.detach().cpu().contiguous();
                var bytes = contiguous.numel() == 0 ? Array.Empty<byte>() : contiguous.bytes.ToArray();
                payloads.Add(bytes);
                json.WriteStartObject(name);
                json.WriteString("dtype", DTypeName(tensor.dtype, name));
                json.WriteStartArray("shape");
                foreach (var d in tensor.shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes.Length;
            }
            json.WriteEndObject();
        }
        // The Python writer pads the header with spaces to a multiple of 8 bytes (alignment of the data).
        var header = buffer.ToArray();
        int padded = (header.Length + 7) / 8 * 8;
        var lengthBytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)padded);
        stream.Write(lengthBytes);
        stream.Write(header);
        for (int i = header.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var payload in payloads) stream.Write(payload);
    }

    private static List<SafeTensorsEntry> ReadHeader(Stream stream, string source, out long dataStart, out long dataLength)
    {
        var lengthBytes = new byte[8];
        if (ReadUpTo(stream, lengthBytes) < 8)
            throw new InvalidDataException($"'{source}' is not a safetensors file: it is shorter than the 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        long fileLength = stream.CanSeek ? stream.Length : long.MaxValue;
        if (headerLength == 0 || headerLength > MaxHeaderBytes || (long)headerLength > fileLength - 8)
            throw new InvalidDataException(
                $"'{source}' is not a valid safetensors file: its header length {headerLength} does not fit the file ({fileLength} bytes).");
        var headerBytes = new byte[headerLength];
        if (ReadUpTo(stream, headerBytes) < headerBytes.Length)
            throw new InvalidDataException($"'{source}' is truncated inside its safetensors header.");
        dataStart = 8 + (long)headerLength;
        dataLength = fileLength - dataStart;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{source}' has a safetensors header that is not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"'{source}' has a safetensors header that is not a JSON object.");
            var entries = new List<SafeTensorsEntry>();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__") continue;
                entries.Add(ParseEntry(property, source));
            }
            CheckOffsets(entries, source, dataLength);
            return entries;
        }
    }

    private static SafeTensorsEntry ParseEntry(JsonProperty property, string source)
    {
        string name = property.Name;
        var value = property.Value;
        string Where() => $"tensor '{name}' in '{source}'";
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array
            || offsetsElement.GetArrayLength() != 2)
            throw new InvalidDataException($"The safetensors header entry of {Where()} needs 'dtype', 'shape' and two 'data_offsets'.");

        string dtypeName = dtypeElement.GetString()!;
        var (dtype, elementSize) = ParseDType(dtypeName, Where);
        var shape = new long[shapeElement.GetArrayLength()];
        long count = 1;
        int i = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (!d.TryGetInt64(out long dim) || dim < 0)
                throw new InvalidDataException($"The shape of {Where()} has an invalid dimension '{d}'.");
            shape[i++] = dim;
            count = checked(count * dim);
        }
        long begin = offsetsElement[0].TryGetInt64(out var b) ? b : -1;
        long end = offsetsElement[1].TryGetInt64(out var e) ? e : -1;
        if (begin < 0 || end < begin)
            throw new InvalidDataException($"The data_offsets of {Where()} are invalid ({offsetsElement}).");
        if (end - begin != count * elementSize)
            throw new InvalidDataException(
                $"The data_offsets of {Where()} span {end - begin} bytes, but dtype {dtypeName} and shape [{string.Join(", ", shape)}] need {count * elementSize}.");
        return new SafeTensorsEntry(name, dtypeName, dtype, shape, begin, end);
    }

    private static void CheckOffsets(List<SafeTensorsEntry> entries, string source, long dataLength)
    {
        long previousEnd = 0;
        string? previous = null;
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin < previousEnd)
                throw new InvalidDataException(
                    $"Tensor '{entry.Name}' in '{source}' overlaps tensor '{previous}' (data_offsets {entry.Begin}..{entry.End}).");
            if (entry.End > dataLength)
                throw new InvalidDataException(
                    $"'{source}' is truncated: tensor '{entry.Name}' ends at byte {entry.End} of the data section, which has only {dataLength} bytes.");
            previousEnd = entry.End;
            previous = entry.Name;
        }
    }

    private static (ScalarType, int) ParseDType(string name, Func<string> where) => name switch
    {
        "F64" => (ScalarType.Float64, 8),
        "F32" => (ScalarType.Float32, 4),
        "F16" => (ScalarType.Float16, 2),
        "BF16" => (ScalarType.BFloat16, 2),
        "I64" => (ScalarType.Int64, 8),
        "I32" => (ScalarType.Int32, 4),
        "I16" => (ScalarType.Int16, 2),
        "I8" => (ScalarType.Int8, 1),
        "U8" => (ScalarType.Byte, 1),
        "BOOL" => (ScalarType.Bool, 1),
        _ => throw new InvalidDataException($"The dtype '{name}' of {where()} is not supported."),
    };

    private static string DTypeName(ScalarType type, string tensorName) => type switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new ArgumentException($"Tensor '{tensorName}' has dtype {type}, which safetensors cannot store."),
    };

    private static int ReadUpTo(Stream stream, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer, total, buffer.Length - total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
