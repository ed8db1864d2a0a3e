using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Loads a tokenizer folder for the ML.NET layer, turning the tokenizer's own errors into ones that say which folder and role.</summary>
internal static class TokenizerFiles
{
    /// <summary>Loads the DeBERTa tokenizer (v1 or v2/v3, chosen from the files) in <paramref name="folder"/>.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="what">Names the folder's role in messages, e.g. "the model folder".</param>
    /// <param name="options">Overrides of the folder's settings, or null.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">It holds no tokenizer files.</exception>
    /// <exception cref="InvalidDataException">A tokenizer file is corrupt.</exception>
    public static DebertaTokenizerBase Load(string folder, string what, DebertaTokenizerLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
            throw new DirectoryNotFoundException($"{what}: tokenizer folder '{full}' does not exist.");
        try
        {
            return DebertaTokenizerBase.FromFolder(full, options);
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"{what}: '{full}' holds no DeBERTa tokenizer ({e.Message}).", e.FileName, e);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or System.Text.Json.JsonException)
        {
            throw new InvalidDataException($"{what}: the tokenizer in '{full}' cannot be read: {e.Message}", e);
        }
    }
}
