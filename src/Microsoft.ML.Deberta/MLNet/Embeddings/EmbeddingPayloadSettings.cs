using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>How a saved embedder pools and scales its vectors: <c>embedding.json</c> in its payload, beside <c>text_encoding.json</c>.</summary>
internal sealed record EmbeddingPayloadSettings
{
    public const string FileName = "embedding.json";
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;

    [JsonPropertyName("pooling"), JsonConverter(typeof(JsonStringEnumConverter<EmbeddingPooling>))]
    public EmbeddingPooling Pooling { get; init; }

    [JsonPropertyName("normalize")] public bool Normalize { get; init; }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <exception cref="InvalidDataException">Missing, unreadable, newer format, or an unknown pooling.</exception>
    public static EmbeddingPayloadSettings Read(string path)
    {
        if (!File.Exists(path))
            throw new InvalidDataException($"The embedder payload has no '{FileName}'.");
        EmbeddingPayloadSettings? settings;
        try
        {
            settings = JsonSerializer.Deserialize<EmbeddingPayloadSettings>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{FileName}' is not valid: {e.Message}", e);
        }
        if (settings is null || settings.FormatVersion > CurrentFormatVersion || !Enum.IsDefined(settings.Pooling))
            throw new InvalidDataException($"'{FileName}' is empty, of a newer format, or names an unknown pooling; update the Microsoft.ML.Deberta package.");
        return settings;
    }
}
