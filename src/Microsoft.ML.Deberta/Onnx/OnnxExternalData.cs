using Google.Protobuf;
using Microsoft.ML.Deberta.Onnx.Proto;

namespace Microsoft.ML.Deberta.Onnx;

/// <summary>
/// ONNX external data (the specification's "External Data" section): initializers whose bytes live in a side file next
/// to the .onnx file, which a model needs once its weights pass protobuf's 2 GB message limit. A moved tensor keeps its
/// name, type and dims, loses its <c>raw_data</c>, and gets <c>data_location = EXTERNAL</c> with the keys
/// <c>location</c> (the side file, relative to the .onnx file's folder), <c>offset</c> and <c>length</c>.
/// </summary>
internal static class OnnxExternalData
{
    // onnx.save_model's conventions: tensors under 1 KB stay inline; those of 1 MB or more start at a multiple of
    // 64 KiB (the largest allocation granularity, Windows'), so ONNX Runtime can memory-map them.
    private const int InlineBelowBytes = 1024;
    private const long AlignFromBytes = 1 << 20, Alignment = 1 << 16;

    /// <summary>The bytes of the graph's inline initializers.</summary>
    public static long InitializerBytes(GraphProto graph) => graph.Initializer.Sum(t => (long)t.RawData.Length);

    /// <summary>Moves every initializer of 1 KB or more into the file <paramref name="dataPath"/> (overwritten), named in the graph as <paramref name="location"/>.</summary>
    public static void MoveToFile(GraphProto graph, string dataPath, string location)
    {
        using var data = new FileStream(dataPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
        foreach (var tensor in graph.Initializer)
        {
            int length = tensor.RawData.Length;
            if (length < InlineBelowBytes)
                continue;
            if (length >= AlignFromBytes && data.Position % Alignment != 0)
                data.Write(new byte[Alignment - data.Position % Alignment]);
            long offset = data.Position;
            tensor.RawData.WriteTo(data);
            tensor.ClearRawData();
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.ExternalData.Add(Entry("location", location));
            tensor.ExternalData.Add(Entry("offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            tensor.ExternalData.Add(Entry("length", length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>
    /// The side files an .onnx file's initializers point to (their <c>location</c>s, relative to its folder); empty for a
    /// self-contained file. Files that cannot be parsed give none here: ONNX Runtime names the problem when it loads them.
    /// </summary>
    /// <exception cref="InvalidDataException">A location leaves the model's folder (rooted, or through <c>..</c>).</exception>
    public static IReadOnlyList<string> Locations(byte[] model, string source)
    {
        // Most files hold no external data: skip parsing (a copy of every weight) unless the key's bytes occur at all.
        if (model.AsSpan().IndexOf("location"u8) < 0)
            return [];
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException)
        {
            return [];
        }
        var locations = proto.Graph?.Initializer
            .Where(t => t.DataLocation == TensorProto.Types.DataLocation.External)
            .Select(t => t.ExternalData.FirstOrDefault(e => e.Key == "location")?.Value ?? "")
            .Distinct(StringComparer.Ordinal).ToList() ?? [];
        foreach (var location in locations)
            if (location.Length == 0 || Path.IsPathRooted(location) || location.Replace('\\', '/').Split('/').Contains(".."))
                throw new InvalidDataException(
                    $"The ONNX graph '{source}' keeps weights in external data at '{location}', which is not a file name inside the model's folder.");
        return locations;
    }

    private static StringStringEntryProto Entry(string key, string value) => new() { Key = key, Value = value };
}
