using System.IO.Compression;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// <c>Microsoft.ML.Deberta/manifest.json</c> in a saved .zip: the payload format version, the library that wrote it,
/// and one folder per DeBERTa step in the order of the stubs in the ML.NET pipeline.
/// </summary>
internal sealed record PayloadManifest
{
    public const string Root = "Microsoft.ML.Deberta/";
    public const string EntryName = Root + "manifest.json";
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [JsonPropertyName("format")] public string Format { get; init; } = "Microsoft.ML.Deberta";
    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;
    [JsonPropertyName("library_version")] public string LibraryVersion { get; init; } = CurrentLibraryVersion;
    [JsonPropertyName("steps")] public List<Step> Steps { get; init; } = [];

    /// <summary>One step's payload folder (relative to <see cref="Root"/>), its payload kind and its step kind
    /// (<see cref="PipelineStepKinds"/>; manifests that name none hold text-scoring steps).</summary>
    public sealed record Step(
        [property: JsonPropertyName("folder")] string Folder,
        [property: JsonPropertyName("payload_kind")] string PayloadKind,
        [property: JsonPropertyName("step_kind")] string StepKind = PipelineStepKinds.TextScoring);

    private static string CurrentLibraryVersion =>
        typeof(PayloadManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The folder name of step <paramref name="index"/>.</summary>
    public static string FolderOf(int index) => $"step_{index:000}";

    public void Write(ZipArchive zip)
    {
        using var stream = zip.CreateEntry(EntryName, CompressionLevel.Optimal).Open();
        JsonSerializer.Serialize(stream, this, Json);
    }

    /// <summary>Reads the manifest, or null when the zip has none (a plain ML.NET model).</summary>
    /// <exception cref="InvalidDataException">Unreadable, or written by a newer format.</exception>
    public static PayloadManifest? ReadOrNull(ZipArchive zip, string source)
    {
        var entry = zip.GetEntry(EntryName);
        if (entry is null)
            return null;
        PayloadManifest manifest;
        try
        {
            using var stream = entry.Open();
            manifest = JsonSerializer.Deserialize<PayloadManifest>(stream, Json)
                ?? throw new InvalidDataException($"'{source}': {EntryName} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{source}': {EntryName} is not valid: {e.Message}", e);
        }
        if (manifest.FormatVersion > CurrentFormatVersion)
            throw new InvalidDataException(
                $"'{source}' was saved by Microsoft.ML.Deberta {manifest.LibraryVersion} in payload format {manifest.FormatVersion}; " +
                $"this version ({CurrentLibraryVersion}) reads formats up to {CurrentFormatVersion}. Update the Microsoft.ML.Deberta package.");
        if (manifest.Steps is null || manifest.Steps.Any(s => s is null || string.IsNullOrEmpty(s.Folder) || s.Folder.Contains("..") || string.IsNullOrEmpty(s.StepKind)))
            throw new InvalidDataException($"'{source}': {EntryName} lists an invalid step.");
        return manifest;
    }
}
