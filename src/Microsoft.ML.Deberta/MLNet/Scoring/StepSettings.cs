using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The ML.NET-side settings of one saved step (<c>transformer.json</c> beside the model payload): its columns,
/// output convention, labels and batch size. Everything model-specific lives in the payload itself.
/// </summary>
internal sealed record StepSettings
{
    public const string FileName = "transformer.json";
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // plain text for a human reading the zip; never embedded in HTML
    };

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;
    [JsonPropertyName("payload_kind")] public string PayloadKind { get; init; } = "";
    [JsonPropertyName("output_size")] public int OutputSize { get; init; }
    [JsonPropertyName("text_column")] public string TextColumn { get; init; } = "";
    [JsonPropertyName("pair_column")] public string? PairColumn { get; init; }
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; }
    [JsonPropertyName("prediction_kind"), JsonConverter(typeof(JsonStringEnumConverter<PredictionKind>))] public PredictionKind Kind { get; init; }
    [JsonPropertyName("score_column")] public string ScoreColumn { get; init; } = "";
    [JsonPropertyName("predicted_label_column")] public string PredictedLabelColumn { get; init; } = "";
    [JsonPropertyName("probability_column")] public string ProbabilityColumn { get; init; } = "";
    [JsonPropertyName("class_count")] public int ClassCount { get; init; }
    [JsonPropertyName("boolean_label")] public bool BooleanLabel { get; init; }
    [JsonPropertyName("label_value_type")] public string? LabelValueType { get; init; }
    [JsonPropertyName("label_values")] public string[]? LabelValues { get; init; }

    /// <summary>Written only when not the kind's default, so older files (which have none) read as the default.</summary>
    [JsonPropertyName("score_activation"), JsonConverter(typeof(JsonStringEnumConverter<ScoreActivation>)),
     JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ScoreActivation Activation { get; init; }

    /// <summary>The settings of a fitted step.</summary>
    public static StepSettings From(TextScoringTransformer step)
    {
        var p = step.Predictions;
        return new StepSettings
        {
            PayloadKind = step.PayloadKind,
            OutputSize = step.OutputSize,
            TextColumn = step.Columns.Text,
            PairColumn = step.Columns.Pair,
            BatchSize = step.BatchSize,
            Kind = p.Kind,
            ScoreColumn = p.Names.Score,
            PredictedLabelColumn = p.Names.PredictedLabel,
            ProbabilityColumn = p.Names.Probability,
            ClassCount = p.ClassCount,
            BooleanLabel = p.BooleanLabel,
            LabelValueType = p.KeyValues is null ? null : KeyValueTypes.NameOf(p.KeyValues.ItemType),
            LabelValues = p.KeyValues?.Names.ToArray(),
            Activation = p.Activation,
        };
    }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads and checks a settings file.</summary>
    /// <exception cref="InvalidDataException">Missing, unreadable, newer format, or inconsistent values.</exception>
    public static StepSettings Read(string path, string where)
    {
        var settings = StepJson.Read<StepSettings>(path, where, Json, s => s.FormatVersion, CurrentFormatVersion);
        if (settings.TextColumn.Length == 0 || settings.PayloadKind.Length == 0 || settings.BatchSize < 1
            || (settings.LabelValues is null) != (settings.LabelValueType is null) || !Enum.IsDefined(settings.Activation))
            throw new InvalidDataException($"{where}: '{FileName}' is incomplete.");
        return settings;
    }

    [JsonIgnore]
    public TextColumns Columns => new(TextColumn, PairColumn);

    /// <summary>The prediction columns these settings describe.</summary>
    public PredictionColumns Predictions()
    {
        var names = new OutputColumnNames(ScoreColumn, PredictedLabelColumn, ProbabilityColumn);
        var values = LabelValues is null ? null : LabelKeyValues.FromText(KeyValueTypes.FromName(LabelValueType!), LabelValues);
        return Kind switch
        {
            PredictionKind.MulticlassClassification => PredictionColumns.Multiclass(names, ClassCount, values, Activation),
            PredictionKind.BinaryClassification => PredictionColumns.Binary(names, BooleanLabel, values),
            PredictionKind.Features => PredictionColumns.Features(names, OutputSize),
            _ => PredictionColumns.Regression(names, Activation),
        };
    }
}
