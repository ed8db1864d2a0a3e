using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.TokenClassification;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// How an NER model turns a row's text into word windows and its logits into outputs, for training and scoring alike:
/// saved as <c>token_classification.json</c> in the payload so a loaded model scores exactly as the trained one.
/// </summary>
internal sealed record TokenClassificationEncoding
{
    public const string FileName = "token_classification.json";
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Tokens per window, special tokens included.</summary>
    [JsonPropertyName("max_length")] public int MaxLength { get; init; }

    /// <summary>Tokens consecutive windows share.</summary>
    [JsonPropertyName("stride")] public int Stride { get; init; }

    /// <summary>How entities are grouped.</summary>
    [JsonPropertyName("aggregation"), JsonConverter(typeof(JsonStringEnumConverter<EntityAggregation>))]
    public EntityAggregation Aggregation { get; init; } = EntityAggregation.First;

    /// <summary>Windows per forward pass when scoring.</summary>
    [JsonPropertyName("inference_batch_size")] public int InferenceBatchSize { get; init; } = 32;

    /// <summary>
    /// The precision the model scores in (<see cref="DebertaPrecision"/>); written only when it is not float32, so a
    /// float32 payload reads as before the field existed.
    /// </summary>
    [JsonPropertyName("inference_precision"), JsonConverter(typeof(JsonStringEnumConverter<DebertaPrecision>)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DebertaPrecision? InferencePrecision { get; init; }

    /// <summary>
    /// How NER loads tokenizers: a v1 (byte-level BPE) tokenizer prepends a space to every word, as transformers'
    /// run_ner.py asks (<c>add_prefix_space=True</c> for deberta), so a word is tokenized as it is inside a sentence.
    /// </summary>
    public static DebertaTokenizerLoadOptions TokenizerOptions { get; } = new() { AddPrefixSpace = true };

    /// <summary>The word windows of one text's words (none for no words).</summary>
    public IReadOnlyList<DebertaEncoding> Windows(DebertaTokenizerBase tokenizer, IReadOnlyList<string> words)
    {
        if (words.Count == 0)
            return [];
        var first = tokenizer.EncodeWords(words, new DebertaEncodeOptions
        {
            MaxLength = MaxLength,
            Truncation = DebertaTruncation.LongestFirst,
            Stride = Stride,
            ReturnOverflowingTokens = true,
        });
        return [first, .. first.Overflowing];
    }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads and checks a saved file.</summary>
    /// <exception cref="InvalidDataException">Missing, unreadable, newer format, or values out of range.</exception>
    public static TokenClassificationEncoding Read(string path)
    {
        if (!File.Exists(path))
            throw new InvalidDataException($"The model payload has no '{FileName}'.");
        TokenClassificationEncoding? settings;
        try
        {
            settings = JsonSerializer.Deserialize<TokenClassificationEncoding>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{FileName}' is not valid: {e.Message}", e);
        }
        if (settings is null || settings.FormatVersion > CurrentFormatVersion)
            throw new InvalidDataException($"'{FileName}' is empty or of a newer format than this version of Microsoft.ML.Deberta reads; update the package.");
        if (settings.MaxLength < 3 || settings.Stride < 0 || settings.Stride >= settings.MaxLength - 2 || !Enum.IsDefined(settings.Aggregation)
            || settings.InferenceBatchSize < 1 || !PrecisionRules.IsValidSaved(settings.InferencePrecision))
            throw new InvalidDataException($"'{FileName}' holds values out of range (max_length {settings.MaxLength}, stride {settings.Stride}).");
        return settings;
    }
}
