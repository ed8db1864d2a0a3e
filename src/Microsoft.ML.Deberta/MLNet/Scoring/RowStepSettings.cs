using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The ML.NET-side settings of one saved structured step (<c>row_step.json</c> beside the model payload): its task,
/// text columns, batch size, and the task's own output settings (<see cref="ITaskOutputColumns{TRow}.ToJson"/>).
/// </summary>
internal sealed record RowStepSettings
{
    public const string FileName = "row_step.json";
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // plain text for a human reading the zip; never embedded in HTML
    };

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;
    [JsonPropertyName("task_kind")] public string TaskKind { get; init; } = "";
    [JsonPropertyName("payload_kind")] public string PayloadKind { get; init; } = "";
    [JsonPropertyName("text_column")] public string TextColumn { get; init; } = "";
    [JsonPropertyName("pair_column")] public string? PairColumn { get; init; }
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; }
    [JsonPropertyName("outputs")] public JsonObject Outputs { get; init; } = [];

    /// <summary>The text column(s).</summary>
    [JsonIgnore]
    public TextColumns Columns => new(TextColumn, PairColumn);

    /// <summary>The settings of a fitted step.</summary>
    public static RowStepSettings From<TRow>(RowScoring<TRow> step) => new()
    {
        TaskKind = step.TaskKind,
        PayloadKind = step.PayloadKind,
        TextColumn = step.Columns.Text,
        PairColumn = step.Columns.Pair,
        BatchSize = step.BatchSize,
        Outputs = step.TaskOutputs.ToJson(),
    };

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads and checks a settings file.</summary>
    /// <exception cref="InvalidDataException">Missing, unreadable, newer format, or incomplete.</exception>
    public static RowStepSettings Read(string path, string where)
    {
        var settings = StepJson.Read<RowStepSettings>(path, where, Json, s => s.FormatVersion, CurrentFormatVersion);
        if (settings.TaskKind.Length == 0 || settings.PayloadKind.Length == 0 || settings.TextColumn.Length == 0 || settings.BatchSize < 1)
            throw new InvalidDataException($"{where}: '{FileName}' is incomplete.");
        return settings;
    }
}
