using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>What a saved zero-shot classifier asks its NLI model: <c>zero_shot.json</c> in its payload.</summary>
internal sealed record ZeroShotPayloadSettings
{
    public const string FileName = "zero_shot.json";
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;
    /// <summary>The fixed candidate labels; empty when each row brings its own.</summary>
    [JsonPropertyName("candidate_labels")] public string[] Labels { get; init; } = [];
    [JsonPropertyName("hypothesis_template")] public string Template { get; init; } = "";
    [JsonPropertyName("multi_label")] public bool MultiLabel { get; init; }
    [JsonPropertyName("entailment_id")] public int EntailmentId { get; init; }
    [JsonPropertyName("contradiction_id")] public int ContradictionId { get; init; }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <exception cref="InvalidDataException">Missing, unreadable, of a newer format, or incomplete.</exception>
    public static ZeroShotPayloadSettings Read(string path, int numLabels, bool labelsPerRow = false)
    {
        if (!File.Exists(path))
            throw new InvalidDataException($"The zero-shot payload has no '{FileName}'.");
        ZeroShotPayloadSettings? settings;
        try
        {
            settings = JsonSerializer.Deserialize<ZeroShotPayloadSettings>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{FileName}' is not valid: {e.Message}", e);
        }
        if (settings is null || settings.FormatVersion > CurrentFormatVersion)
            throw new InvalidDataException($"'{FileName}' is empty or of a newer format; update the Microsoft.ML.Deberta package.");
        if ((settings.Labels.Length == 0) != labelsPerRow || !settings.Template.Contains("{}", StringComparison.Ordinal)
            || settings.EntailmentId < 0 || settings.EntailmentId >= numLabels || settings.ContradictionId < 0 || settings.ContradictionId >= numLabels)
            throw new InvalidDataException($"'{FileName}' is incomplete or does not fit the model's {numLabels} NLI labels.");
        return settings;
    }
}
