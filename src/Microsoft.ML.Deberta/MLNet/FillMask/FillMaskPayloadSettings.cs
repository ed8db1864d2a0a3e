using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>How a saved fill-mask model proposes: <c>fill_mask.json</c> in its payload, beside the Hugging Face folder.</summary>
internal sealed record FillMaskPayloadSettings
{
    public const string FileName = "fill_mask.json";
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;
    [JsonPropertyName("top_k")] public int TopK { get; init; }
    [JsonPropertyName("targets")] public string[]? Targets { get; init; }
    [JsonPropertyName("max_length")] public int MaxLength { get; init; }
    [JsonPropertyName("inference_batch_size")] public int BatchSize { get; init; }

    /// <summary>
    /// The precision the model scores in (<see cref="DebertaPrecision"/>); written only when it is not float32, so a
    /// float32 payload reads as before the field existed.
    /// </summary>
    [JsonPropertyName("inference_precision"), JsonConverter(typeof(JsonStringEnumConverter<DebertaPrecision>)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DebertaPrecision? InferencePrecision { get; init; }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <exception cref="InvalidDataException">Missing, unreadable, of a newer format, or out of range.</exception>
    public static FillMaskPayloadSettings Read(string path)
    {
        if (!File.Exists(path))
            throw new InvalidDataException($"The fill-mask payload has no '{FileName}'.");
        FillMaskPayloadSettings? settings;
        try
        {
            settings = JsonSerializer.Deserialize<FillMaskPayloadSettings>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{FileName}' is not valid: {e.Message}", e);
        }
        if (settings is null || settings.FormatVersion > CurrentFormatVersion)
            throw new InvalidDataException($"'{FileName}' is empty or of a newer format; update the Microsoft.ML.Deberta package.");
        if (settings.TopK < 1 || settings.MaxLength < 3 || settings.BatchSize < 1 || settings.Targets is { Length: 0 }
            || !PrecisionRules.IsValidSaved(settings.InferencePrecision))
            throw new InvalidDataException($"'{FileName}' holds values out of range (top_k {settings.TopK}, max_length {settings.MaxLength}).");
        return settings;
    }
}
