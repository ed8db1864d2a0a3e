using System.Text.Json;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Reads a saved step's settings file: present, valid JSON, and of a format this version reads.</summary>
internal static class StepJson
{
    /// <summary>Deserializes <paramref name="path"/>; <paramref name="formatVersion"/> reads the file's format version.</summary>
    /// <exception cref="InvalidDataException">Missing, empty, not valid, or of a newer format (the message names <paramref name="where"/>).</exception>
    public static T Read<T>(string path, string where, JsonSerializerOptions options, Func<T, int> formatVersion, int currentFormatVersion)
        where T : class
    {
        string name = Path.GetFileName(path);
        if (!File.Exists(path))
            throw new InvalidDataException($"{where}: '{name}' is missing.");
        T settings;
        try
        {
            settings = JsonSerializer.Deserialize<T>(File.ReadAllText(path), options)
                ?? throw new InvalidDataException($"{where}: '{name}' is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{where}: '{name}' is not valid: {e.Message}", e);
        }
        if (formatVersion(settings) > currentFormatVersion)
            throw new InvalidDataException($"{where}: step format {formatVersion(settings)} is newer than this version of " +
                $"Microsoft.ML.Deberta reads ({currentFormatVersion}); update the package.");
        return settings;
    }
}
