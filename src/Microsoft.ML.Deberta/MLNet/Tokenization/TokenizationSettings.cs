using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// What a tokenization step reads, writes and how it encodes: checked once from <see cref="TokenizationOptions"/>,
/// and saved as <c>tokenization.json</c> beside the tokenizer files of a saved step.
/// </summary>
internal sealed record TokenizationSettings
{
    public const string FileName = "tokenization.json";
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;
    [JsonPropertyName("text_column")] public string TextColumn { get; init; } = "";
    [JsonPropertyName("pair_column")] public string? PairColumn { get; init; }
    [JsonPropertyName("input_ids_column")] public string InputIdsColumn { get; init; } = "";
    [JsonPropertyName("attention_mask_column")] public string AttentionMaskColumn { get; init; } = "";
    [JsonPropertyName("token_type_ids_column")] public string TokenTypeIdsColumn { get; init; } = "";
    [JsonPropertyName("max_length")] public int MaxLength { get; init; }
    [JsonPropertyName("pad_to_max_length")] public bool PadToMaxLength { get; init; }
    [JsonPropertyName("truncation"), JsonConverter(typeof(JsonStringEnumConverter<DebertaTruncation>))] public DebertaTruncation Truncation { get; init; }

    [JsonIgnore]
    public TextColumns Columns => new(TextColumn, PairColumn);

    /// <summary>The output column names in the order the step adds them.</summary>
    [JsonIgnore]
    public string[] OutputColumns => [InputIdsColumn, AttentionMaskColumn, TokenTypeIdsColumn];

    /// <summary>The options of every encode call.</summary>
    public DebertaEncodeOptions EncodeOptions() => new()
    {
        MaxLength = MaxLength,
        Truncation = Truncation,
        Padding = PadToMaxLength ? DebertaPadding.MaxLength : DebertaPadding.None,
    };

    /// <summary>Checks user options (everything but the tokenizer) and turns them into settings.</summary>
    /// <exception cref="ArgumentException">A column name is empty or repeated, or the lengths and truncation do not fit together.</exception>
    public static TokenizationSettings From(TokenizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = new TokenizationSettings
        {
            TextColumn = options.TextColumnName,
            PairColumn = options.TextPairColumnName,
            InputIdsColumn = options.InputIdsColumnName,
            AttentionMaskColumn = options.AttentionMaskColumnName,
            TokenTypeIdsColumn = options.TokenTypeIdsColumnName,
            MaxLength = options.MaxLength,
            PadToMaxLength = options.PadToMaxLength,
            Truncation = options.Truncation,
        };
        settings.Check(nameof(options));
        return settings;
    }

    private void Check(string parameter)
    {
        if (string.IsNullOrWhiteSpace(TextColumn))
            throw new ArgumentException("The text column name is empty.", parameter);
        if (PairColumn is { } pair && string.IsNullOrWhiteSpace(pair))
            throw new ArgumentException("The second text column name is empty; use null for a single text.", parameter);
        var outputs = OutputColumns;
        if (outputs.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("An output column name is empty.", parameter);
        if (outputs.Distinct(StringComparer.Ordinal).Count() != outputs.Length)
            throw new ArgumentException($"The output columns must have distinct names; got {string.Join(", ", outputs)}.", parameter);
        int least = PairColumn is null ? 3 : 5;
        if (MaxLength < least)
            throw new ArgumentOutOfRangeException(parameter, MaxLength,
                $"MaxLength must be at least {least} ([CLS], [SEP]{(PairColumn is null ? "" : ", [SEP]")} and one token per text).");
        if (!Enum.IsDefined(Truncation))
            throw new ArgumentOutOfRangeException(parameter, Truncation, "Unknown truncation strategy.");
        if (Truncation == DebertaTruncation.None && PadToMaxLength)
            throw new ArgumentException("PadToMaxLength needs truncation: without it a longer row would not fit the fixed-size vectors.", parameter);
        if (PairColumn is null && Truncation == DebertaTruncation.OnlySecond)
            throw new ArgumentException("Truncation OnlySecond needs a second text column.", parameter);
    }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads and checks a saved settings file.</summary>
    /// <exception cref="InvalidDataException">Missing, unreadable, newer format, or inconsistent values.</exception>
    public static TokenizationSettings Read(string path, string where)
    {
        if (!File.Exists(path))
            throw new InvalidDataException($"{where}: '{FileName}' is missing.");
        TokenizationSettings settings;
        try
        {
            settings = JsonSerializer.Deserialize<TokenizationSettings>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{where}: '{FileName}' is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{where}: '{FileName}' is not valid: {e.Message}", e);
        }
        if (settings.FormatVersion > CurrentFormatVersion)
            throw new InvalidDataException($"{where}: tokenization format {settings.FormatVersion} is newer than this version of " +
                $"Microsoft.ML.Deberta reads ({CurrentFormatVersion}); update the package.");
        try
        {
            settings.Check(nameof(path));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{where}: '{FileName}' is not valid: {e.Message}", e);
        }
        return settings;
    }
}
