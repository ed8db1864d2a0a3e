using System.Text.Json;

namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>Reads the JSON files of a tokenizer folder, turning parse errors into exceptions that name the file.</summary>
internal static class TokenizerJsonFile
{
    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = 256, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>Reads a JSON file whose root must be an object.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid UTF-8 JSON or its root is not an object.</exception>
    public static JsonElement ReadObject(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Tokenizer file '{path}' does not exist.", path);
        var bytes = File.ReadAllBytes(path);
        // JsonDocument checks UTF-8 only when a string is read (an InvalidOperationException then): check it up front.
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
            throw new InvalidDataException($"Tokenizer file '{path}' is not valid UTF-8 text.");
        JsonElement root;
        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes, s_options);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            // Where, not System.Text.Json's wording (the inner exception keeps it).
            throw new InvalidDataException(
                $"Tokenizer file '{path}' is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).", e);
        }
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"Tokenizer file '{path}' must hold a JSON object, not {root.ValueKind}.");
        return root;
    }

    /// <summary>
    /// Runs a loader over the tokenizer files of <paramref name="folder"/>. A JSON value of the wrong kind (a number
    /// where a string belongs, a required member missing, an integer out of range) surfaces from System.Text.Json's
    /// accessors deep inside a loader as InvalidOperationException, KeyNotFoundException or FormatException; it is a
    /// malformed file, so it becomes the documented InvalidDataException. Exceptions from anywhere else pass unchanged.
    /// </summary>
    public static T Guard<T>(string folder, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException
            && e.TargetSite?.DeclaringType?.Namespace?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true)
        {
            throw new InvalidDataException(
                $"A tokenizer file in '{folder}' holds a JSON value of the wrong kind ({e.Message}). Replace the tokenizer files with the checkpoint's originals.", e);
        }
    }

    /// <summary>Reads the file if it exists, otherwise returns null.</summary>
    public static JsonElement? ReadObjectIfPresent(string path) => File.Exists(path) ? ReadObject(path) : null;

    public static InvalidDataException Invalid(string path, string what) => new($"Tokenizer file '{path}': {what}");

    /// <summary>Returns a boolean property, null when absent or null; throws when it has another type.</summary>
    public static bool? GetBoolean(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid(path, $"\"{name}\" must be true or false, not {value.ValueKind}."),
        };
    }

    /// <summary>Returns an integer property clamped to int.MaxValue (transformers stores "no limit" as 1e30).</summary>
    public static int? GetClampedInt(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || number < 0)
            throw Invalid(path, $"\"{name}\" must be a non-negative number.");
        return number >= int.MaxValue ? int.MaxValue : (int)number;
    }
}
