using System.IO.Compression;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// <c>Microsoft.ML.Deberta/manifest.json</c> in a saved .zip: the payload format version, the library that wrote it,
/// and one folder per DeBERTa step in the order of the stubs in the ML.NET pipeline. A plain <c>mlContext.Model.Save</c>
/// writes one such manifest, for one step, inside each step's ML.NET folder (<see cref="StepPayloadEntries"/>).
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
        stream.Write(ToBytes());
    }

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>A step's payload folder in a zip: the entry-name prefix of its files, and what the manifest says of it.</summary>
    public sealed record Located(string Prefix, Step Step);

    /// <summary>
    /// Every step's payload, in the order the manifests list them: the .zip-wide manifest <c>DebertaModelIO.Save</c>
    /// writes, and the one-step manifests a plain <c>mlContext.Model.Save</c> writes into each step's ML.NET folder
    /// (found in entry order, the order ML.NET saved the steps). Empty for a model without DeBERTa steps.
    /// </summary>
    /// <exception cref="InvalidDataException">A manifest is unreadable, or written by a newer format.</exception>
    public static List<Located> ReadAll(ZipArchive zip, string source)
    {
        var located = new List<Located>();
        foreach (var entry in zip.Entries)
        {
            var name = PayloadArchive.NameOf(entry);
            if (name != EntryName && !name.EndsWith("/" + EntryName, StringComparison.Ordinal))
                continue;
            var root = name[..^"manifest.json".Length];
            foreach (var step in Read(entry, source).Steps)
                located.Add(new Located(root + step.Folder + "/", step));
        }
        return located;
    }

    private static PayloadManifest Read(ZipArchiveEntry entry, string source)
    {
        PayloadManifest manifest;
        try
        {
            using var stream = entry.Open();
            manifest = JsonSerializer.Deserialize<PayloadManifest>(stream, Json)
                ?? throw new InvalidDataException($"'{source}': {entry.FullName} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{source}': {entry.FullName} is not valid: {e.Message}", e);
        }
        if (manifest.FormatVersion > CurrentFormatVersion)
            throw new InvalidDataException(
                $"'{source}' was saved by Microsoft.ML.Deberta {manifest.LibraryVersion} in payload format {manifest.FormatVersion}; " +
                $"this version ({CurrentLibraryVersion}) reads formats up to {CurrentFormatVersion}. Update the Microsoft.ML.Deberta package.");
        if (manifest.Steps is null || manifest.Steps.Any(s => s is null || string.IsNullOrEmpty(s.Folder) || s.Folder.Contains("..") || string.IsNullOrEmpty(s.StepKind)))
            throw new InvalidDataException($"'{source}': {entry.FullName} lists an invalid step.");
        return manifest;
    }
}
