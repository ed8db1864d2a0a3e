using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// What an ONNX payload needs besides the graph and the tokenizer (<c>onnx_scorer.json</c>): which graph output holds
/// the scores, how many values per row it gives, and the id written into padding positions.
/// </summary>
internal sealed record OnnxScorerSettings
{
    public const string FileName = "onnx_scorer.json";
    public const int CurrentFormatVersion = 1;

    /// <summary>The output transformers' sequence classifiers (and ours) name their logits.</summary>
    public const string LogitsOutput = "logits";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;
    [JsonPropertyName("output_name")] public string OutputName { get; init; } = LogitsOutput;
    [JsonPropertyName("output_size")] public int OutputSize { get; init; }
    [JsonPropertyName("pad_token_id")] public int PadTokenId { get; init; }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads and checks a saved file.</summary>
    /// <exception cref="InvalidDataException">Missing, unreadable, newer format, or values out of range.</exception>
    public static OnnxScorerSettings Read(string path, string where)
    {
        var settings = StepJson.Read<OnnxScorerSettings>(path, where, Json, s => s.FormatVersion, CurrentFormatVersion);
        if (settings.OutputName.Length == 0 || settings.OutputSize < 1 || settings.PadTokenId < 0)
            throw new InvalidDataException($"{where}: '{FileName}' holds values out of range (output '{settings.OutputName}', " +
                $"output_size {settings.OutputSize}, pad_token_id {settings.PadTokenId}).");
        return settings;
    }
}
