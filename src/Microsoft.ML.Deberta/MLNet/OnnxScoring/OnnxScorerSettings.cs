using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// What an ONNX payload needs besides the graph and the tokenizer (<c>onnx_scorer.json</c>): which graph output holds
/// the scores, how many values per row it gives, the id written into padding positions, and for an embedder
/// (<see cref="Pooling"/> set) how token vectors become one vector per text.
/// </summary>
internal sealed record OnnxScorerSettings
{
    public const string FileName = "onnx_scorer.json";
    public const int CurrentFormatVersion = 1;

    /// <summary>The output transformers' sequence classifiers (and ours) name their logits.</summary>
    public const string LogitsOutput = "logits";

    /// <summary>The output of a bare model (ours and transformers'): the last layer's token vectors.</summary>
    public const string HiddenStateOutput = "last_hidden_state";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;
    [JsonPropertyName("output_name")] public string OutputName { get; init; } = LogitsOutput;
    [JsonPropertyName("output_size")] public int OutputSize { get; init; }
    [JsonPropertyName("pad_token_id")] public int PadTokenId { get; init; }

    /// <summary>Null for a classifier (one row of <see cref="OutputName"/> per example); an embedder's pooling otherwise.</summary>
    [JsonPropertyName("pooling"), JsonConverter(typeof(JsonStringEnumConverter<EmbeddingPooling>)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EmbeddingPooling? Pooling { get; init; }

    /// <summary>A token classifier's label names in id order (its id2label); null for the other kinds.</summary>
    [JsonPropertyName("labels"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? Labels { get; init; }

    /// <summary>An embedder's L2 normalisation of each text's vector.</summary>
    [JsonPropertyName("normalize"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Normalize { get; init; }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads and checks a saved file.</summary>
    /// <exception cref="InvalidDataException">Missing, unreadable, newer format, or values out of range.</exception>
    public static OnnxScorerSettings Read(string path, string where)
    {
        var settings = StepJson.Read<OnnxScorerSettings>(path, where, Json, s => s.FormatVersion, CurrentFormatVersion);
        if (settings.OutputName.Length == 0 || settings.OutputSize < 1 || settings.PadTokenId < 0
            || (settings.Pooling is { } pooling && !Enum.IsDefined(pooling)) || (settings.Labels is { } labels && labels.Length != settings.OutputSize))
            throw new InvalidDataException($"{where}: '{FileName}' holds values out of range (output '{settings.OutputName}', " +
                $"output_size {settings.OutputSize}, pad_token_id {settings.PadTokenId}).");
        return settings;
    }
}
