using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (an 8-byte little-endian header length, a JSON header of
/// <c>dtype</c>/<c>shape</c>/<c>data_offsets</c> per tensor, then raw little-endian bytes).
/// </summary>
/// <remarks>
/// Every header field is checked against the file before a byte of tensor data is read, with the rules of the
/// reference implementation (<c>huggingface/safetensors</c>): the tensors' byte ranges must follow each other
/// without gaps or overlaps and end exactly at the end of the file. A truncated file or a header whose dtype, shape
/// or offsets lie raises <see cref="InvalidDataException"/> naming the file and the tensor instead of crashing in
/// native code or producing a half-filled tensor.
/// </remarks>
internal static class SafeTensorsFile
{
    private const string MetadataKey = "__metadata__";

    // A non-seekable stream cannot vouch for the header's sizes: its tensors are read in pieces of at most this many
    // bytes, each allocated only when the previous one is full, so a lying header costs at most one piece.
    private const long BoundedChunkBytes = 16L << 20;

    /// <summary>Reads every tensor of a safetensors file, in the dtype it is stored in.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>Tensors by name, on the CPU. The caller owns them.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <param name="maxHeaderBytes">The longest JSON header accepted (<see cref="CheckpointFileLimits.DefaultMaxSafetensorsHeaderBytes"/> when null).</param>
    /// <exception cref="InvalidDataException">The file is truncated or its header does not describe its contents.</exception>
    public static Dictionary<string, Tensor> Read(string path, long? maxHeaderBytes = null)
    {
        using var stream = OpenRead(path);
        return Read(stream, path, BoundedChunkBytes, maxHeaderBytes);
    }

    /// <summary>Reads every tensor of a safetensors stream, in the dtype it is stored in.</summary>
    /// <param name="stream">
    /// A readable stream positioned at the start of the safetensors data. A seekable stream must end where the
    /// safetensors data ends; a non-seekable one is read up to the end of the last tensor, in bounded pieces, so a
    /// header claiming more than the stream holds fails when the data runs out, having allocated little more than arrived.
    /// </param>
    /// <param name="sourceName">A name for error messages (usually the file path).</param>
    /// <returns>Tensors by name, on the CPU. The caller owns them.</returns>
    /// <exception cref="InvalidDataException">The data is truncated or its header does not describe its contents.</exception>
    public static Dictionary<string, Tensor> Read(Stream stream, string sourceName) => Read(stream, sourceName, BoundedChunkBytes);

    internal static Dictionary<string, Tensor> Read(Stream stream, string sourceName, long boundedChunkBytes, long? maxHeaderBytes = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (entries, _) = ParseHeader(stream, sourceName, maxHeaderBytes);
        var result = new Dictionary<string, Tensor>(entries.Count, StringComparer.Ordinal);
        try
        {
            // The header check guarantees the entries are contiguous in offset order, so the data is read
            // sequentially: no seeking, and every byte is read exactly once.
            foreach (var entry in entries)
            {
                try
                {
                    if (stream.CanSeek || entry.End - entry.Begin <= boundedChunkBytes)
                    {
                        // A seekable stream's length was checked against every offset, so the claim is backed by data.
                        var tensor = torch.empty(entry.Shape, entry.DType);
                        result.Add(entry.Name, tensor);
                        RawTensorData.Fill(tensor, stream);
                    }
                    else
                    {
                        result.Add(entry.Name, RawTensorData.ReadBounded(entry.Shape, entry.DType, stream, boundedChunkBytes));
                    }
                }
                catch (EndOfStreamException e)
                {
                    throw new InvalidDataException(
                        $"'{sourceName}' is truncated: it ends inside the data of tensor '{entry.Name}' (data_offsets {entry.Begin}..{entry.End}).", e);
                }
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>Reads only the header of a safetensors file: names, dtypes, shapes and offsets, checked against the file size.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The tensors' descriptions in the order of their data in the file.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <param name="maxHeaderBytes">The longest JSON header accepted (<see cref="CheckpointFileLimits.DefaultMaxSafetensorsHeaderBytes"/> when null).</param>
    /// <exception cref="InvalidDataException">The header is corrupt or does not match the file size.</exception>
    public static IReadOnlyList<SafeTensorsEntry> ReadHeader(string path, long? maxHeaderBytes = null)
    {
        using var stream = OpenRead(path);
        return ParseHeader(stream, path, maxHeaderBytes).Entries;
    }

    /// <summary>Reads the string metadata of a safetensors file (its <c>__metadata__</c> entry, e.g. <c>format: pt</c>).</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The metadata; empty when the file has none.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The header is corrupt or does not match the file size.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var stream = OpenRead(path);
        return ParseHeader(stream, path).Metadata;
    }

    /// <summary>
    /// Writes tensors to a safetensors file laid out as the reference implementation lays it out. The file is
    /// written to a temporary name and moved into place, so a failure never leaves a half-written file behind.
    /// </summary>
    /// <param name="path">Destination file.</param>
    /// <param name="tensors">Tensors by name; they are written in their own dtype.</param>
    /// <param name="metadata">Optional string metadata (the <c>__metadata__</c> entry), e.g. <c>format: pt</c>.</param>
    /// <exception cref="ArgumentException">A name is <c>__metadata__</c> or a tensor's dtype has no safetensors equivalent.</exception>
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

    /// <summary>
    /// Writes tensors in safetensors format to a stream, laid out as the reference implementation lays it out:
    /// tensors ordered by descending dtype alignment, then by name (so every tensor's data is aligned to its element
    /// size), <c>__metadata__</c> first in the header, the header padded with spaces to a multiple of 8 bytes.
    /// </summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="tensors">Tensors by name; they are written in their own dtype.</param>
    /// <param name="metadata">Optional string metadata (the <c>__metadata__</c> entry), e.g. <c>format: pt</c>.</param>
    /// <exception cref="ArgumentException">A name is <c>__metadata__</c> or a tensor's dtype has no safetensors equivalent.</exception>
    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var ordered = tensors
            .Select(kv => (Name: kv.Key, Tensor: kv.Value, DType: SafeTensorsDType.FromScalarType(kv.Value.dtype, kv.Key)))
            .OrderByDescending(t => t.DType.Rank)
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        if (ordered.Any(t => t.Name == MetadataKey))
            throw new ArgumentException($"A tensor cannot be named '{MetadataKey}': safetensors reserves that key.", nameof(tensors));

        using var header = new MemoryStream();
        // Names and metadata as raw UTF-8, as the reference (serde_json) writes them, not \u-escaped.
        using (var json = new Utf8JsonWriter(header, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor, dtype) in ordered)
            {
                long length = checked(tensor.numel() * dtype.ElementSize);
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype.Name);
                json.WriteStartArray("shape");
                foreach (var d in tensor.shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += length;
            }
            json.WriteEndObject();
        }
        // Padding with spaces to a multiple of 8 keeps the data section aligned for 8-byte dtypes.
        int padded = checked((int)header.Length + 7) / 8 * 8;
        while (header.Length < padded) header.WriteByte((byte)' ');
        Span<byte> lengthBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)padded);
        stream.Write(lengthBytes);
        header.Position = 0;
        header.CopyTo(stream);
        foreach (var (_, tensor, _) in ordered)
        {
            using var scope = torch.NewDisposeScope();
            RawTensorData.Write(tensor.detach().cpu().contiguous(), stream);
        }
    }

    private static FileStream OpenRead(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Safetensors file '{path}' does not exist.", path);
        return File.OpenRead(path);
    }

    /// <summary>Reads the header at the stream's position, leaving the stream at the start of the data.</summary>
    internal static IReadOnlyList<SafeTensorsEntry> ReadHeader(Stream stream, string sourceName) => ParseHeader(stream, sourceName).Entries;

    private static (List<SafeTensorsEntry> Entries, Dictionary<string, string> Metadata) ParseHeader(Stream stream, string source, long? maxHeaderBytes = null)
    {
        long maxHeader = maxHeaderBytes ?? CheckpointFileLimits.DefaultMaxSafetensorsHeaderBytes;
        // A seekable stream tells how much data follows, so every offset can be checked before reading; a
        // non-seekable one (-1) is checked only as it is read.
        long available = stream.CanSeek ? stream.Length - stream.Position : -1;
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
            throw new InvalidDataException($"'{source}' is not a safetensors file: it is shorter than the 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)maxHeader)
            throw new InvalidDataException(
                $"'{source}' is not a valid safetensors file: its header length {headerLength} exceeds the limit of {maxHeader} bytes " +
                $"({nameof(CheckpointLoadOptions)}.{nameof(CheckpointLoadOptions.MaxSafetensorsHeaderBytes)}).");
        if (available >= 0 && (long)headerLength > available - 8)
            throw new InvalidDataException(
                $"'{source}' is truncated: its header length {headerLength} runs past the end of the file ({available} bytes).");
        // A seekable stream's length vouches for the header length; a non-seekable one's header is read in pieces,
        // so a claim of 100 MB followed by a few bytes costs a few bytes.
        var headerBytes = available >= 0 ? new byte[headerLength] : ReadGrowing(stream, (int)headerLength);
        if (available >= 0 && stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false) < headerBytes.Length
            || headerBytes.Length < (int)headerLength)
            throw new InvalidDataException($"'{source}' is truncated inside its safetensors header.");
        long dataLength = available >= 0 ? available - 8 - (long)headerLength : -1;

        // JsonDocument checks UTF-8 only when a string is read; the reference rejects such a header up front.
        if (!System.Text.Unicode.Utf8.IsValid(headerBytes))
            throw new InvalidDataException($"'{source}' has a safetensors header that is not valid UTF-8.");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(headerBytes);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"'{source}' has a safetensors header that is not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"'{source}' has a safetensors header that is not a JSON object.");
            var entries = new List<SafeTensorsEntry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw new InvalidDataException($"'{source}' has a safetensors header that names '{property.Name}' twice.");
                if (property.Name == MetadataKey)
                    ReadMetadata(property.Value, source, metadata);
                else
                    entries.Add(ParseEntry(property, source));
            }
            entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            CheckOffsets(entries, source, dataLength);
            return (entries, metadata);
        }
    }

    // Reads up to length bytes, growing the buffer only as they arrive; shorter when the stream ends first.
    private static byte[] ReadGrowing(Stream stream, int length)
    {
        using var buffer = new MemoryStream(Math.Min(length, 1 << 16));
        var chunk = new byte[Math.Min(length, 1 << 16)];
        int read;
        while (buffer.Length < length && (read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, length - buffer.Length))) > 0)
            buffer.Write(chunk, 0, read);
        return buffer.ToArray();
    }

    private static void ReadMetadata(JsonElement element, string source, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"The '{MetadataKey}' entry of '{source}' is not a JSON object of strings.");
        foreach (var item in element.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"The '{MetadataKey}' entry '{item.Name}' of '{source}' is not a string.");
            metadata[item.Name] = item.Value.GetString()!;
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
        var dtype = SafeTensorsDType.FromName(dtypeName)
            ?? throw new InvalidDataException(
                $"The dtype '{dtypeName}' of {Where()} is not supported (supported: {string.Join(", ", SafeTensorsDType.SupportedNames)}).");
        var shape = new long[shapeElement.GetArrayLength()];
        long count = 1;
        bool overflow = false;
        int i = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0)
                throw new InvalidDataException($"The shape of {Where()} has an invalid dimension '{d}': dimensions are integers >= 0.");
            shape[i++] = dim;
            overflow |= dim != 0 && count > long.MaxValue / dim;
            if (!overflow) count *= dim;
        }
        if (overflow || count > long.MaxValue / dtype.ElementSize)
            throw new InvalidDataException($"The shape [{string.Join(", ", shape)}] of {Where()} is too large to be real.");
        long begin = offsetsElement[0].ValueKind == JsonValueKind.Number && offsetsElement[0].TryGetInt64(out var b) ? b : -1;
        long end = offsetsElement[1].ValueKind == JsonValueKind.Number && offsetsElement[1].TryGetInt64(out var e) ? e : -1;
        if (begin < 0 || end < begin)
            throw new InvalidDataException($"The data_offsets of {Where()} are invalid ({offsetsElement}).");
        if (end - begin != count * dtype.ElementSize)
            throw new InvalidDataException(
                $"The data_offsets of {Where()} span {end - begin} bytes, but dtype {dtypeName} and shape [{string.Join(", ", shape)}] need {count * dtype.ElementSize}.");
        return new SafeTensorsEntry(name, dtypeName, dtype.ScalarType, shape, begin, end);
    }

    // The reference implementation's rule: sorted by offset, each tensor starts where the previous one ended, and
    // the last one ends where the file ends. Anything else means the header and the data disagree.
    private static void CheckOffsets(List<SafeTensorsEntry> entries, string source, long dataLength)
    {
        long previousEnd = 0;
        SafeTensorsEntry? previous = null;
        foreach (var entry in entries)
        {
            if (entry.Begin < previousEnd)
                throw new InvalidDataException(
                    $"Tensor '{entry.Name}' in '{source}' (data_offsets {entry.Begin}..{entry.End}) overlaps tensor '{previous!.Name}' ({previous.Begin}..{previous.End}).");
            if (entry.Begin > previousEnd)
                throw new InvalidDataException(
                    $"Tensor '{entry.Name}' in '{source}' starts at byte {entry.Begin} of the data section, but the previous tensor ends at {previousEnd}: the header leaves a gap.");
            if (dataLength >= 0 && entry.End > dataLength)
                throw new InvalidDataException(
                    $"'{source}' is truncated: tensor '{entry.Name}' ends at byte {entry.End} of the data section, which has only {dataLength} bytes.");
            previousEnd = entry.End;
            previous = entry;
        }
        if (dataLength >= 0 && previousEnd != dataLength)
            throw new InvalidDataException(
                $"'{source}' has {dataLength - previousEnd} bytes after the last tensor's data: the header does not describe the whole file.");
    }
}
