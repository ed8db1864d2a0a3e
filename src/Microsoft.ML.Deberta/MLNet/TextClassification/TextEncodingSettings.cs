using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// How a DeBERTa text model turns a row's text(s) into model inputs, for training and for scoring alike:
/// saved as <c>text_encoding.json</c> in the model payload so a loaded model encodes exactly as the trained one.
/// </summary>
internal sealed record TextEncodingSettings
{
    public const string FileName = "text_encoding.json";
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Tokens per example, special tokens included.</summary>
    [JsonPropertyName("max_length")] public int MaxLength { get; init; }

    /// <summary>What happens to a row longer than <see cref="MaxLength"/>.</summary>
    [JsonPropertyName("long_text_strategy"), JsonConverter(typeof(JsonStringEnumConverter<LongTextStrategy>))]
    public LongTextStrategy Strategy { get; init; }

    /// <summary>Sliding windows: tokens consecutive windows share.</summary>
    [JsonPropertyName("stride")] public int Stride { get; init; }

    /// <summary>
    /// Examples per forward pass when scoring (<c>InferenceBatchSize</c>): written with a saved model so that it scores
    /// in passes of the size it was configured with; null while training and in files from before it was saved.
    /// </summary>
    [JsonPropertyName("inference_batch_size"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? InferenceBatchSize { get; init; }

    /// <summary>
    /// The precision the saved model scores in (<see cref="DebertaPrecision"/>); written only when it is not float32, so
    /// null means float32 (and files from before it was saved).
    /// </summary>
    [JsonPropertyName("inference_precision"), JsonConverter(typeof(JsonStringEnumConverter<DebertaPrecision>)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DebertaPrecision? InferencePrecision { get; init; }

    /// <summary>The forward-pass batch of models saved before <see cref="InferenceBatchSize"/> was (the default then).</summary>
    public const int DefaultInferenceBatchSize = 32;

    /// <summary>
    /// The fewest text tokens a sliding window can hold: the whole budget of a single text (max − 2), or half the
    /// budget of a pair (max − 3, rounded up), since a pair's first text may take the other half.
    /// </summary>
    public static int SmallestWindow(int maxLength, bool pair) =>
        pair ? Math.Min(maxLength - 2, (maxLength - 3) - (maxLength - 3) / 2) : maxLength - 2;

    /// <summary>The stride used when none is given: a quarter of the maximum length, less than the smallest window.</summary>
    public static int DefaultStride(int maxLength, bool pair) => Math.Max(0, Math.Min(maxLength / 4, SmallestWindow(maxLength, pair) - 1));

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads and checks a saved file.</summary>
    /// <exception cref="InvalidDataException">Missing, unreadable, newer format, or values out of range.</exception>
    public static TextEncodingSettings Read(string path)
    {
        var settings = StepJson.Read<TextEncodingSettings>(path, "The model payload", Json, s => s.FormatVersion, CurrentFormatVersion);
        if (settings.MaxLength < 3 || settings.Stride < 0 || settings.Stride >= settings.MaxLength || !Enum.IsDefined(settings.Strategy)
            || settings.InferenceBatchSize < 1 || !PrecisionRules.IsValidSaved(settings.InferencePrecision))
            throw new InvalidDataException($"'{FileName}' holds values out of range (max_length {settings.MaxLength}, stride {settings.Stride}, " +
                $"inference_batch_size {settings.InferenceBatchSize}).");
        return settings;
    }
}
