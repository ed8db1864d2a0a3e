using System.Text.Json;

namespace Microsoft.ML.Deberta.Tokenization;

public abstract partial class DebertaTokenizerBase
{
    /// <summary>
    /// Loads the DeBERTa tokenizer a Hugging Face folder holds: <see cref="DebertaV2Tokenizer"/> when there is an
    /// <c>spm.model</c> (or <c>tokenizer_config.json</c> names a DebertaV2 tokenizer, or <c>tokenizer.json</c> holds a
    /// Unigram model), otherwise <see cref="DebertaTokenizer"/> (<c>vocab.json</c> + <c>merges.txt</c> or a BPE
    /// <c>tokenizer.json</c>).
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <param name="options">Overrides of the folder's settings.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has none of the tokenizer files.</exception>
    /// <exception cref="NotSupportedException">tokenizer.json holds a kind of tokenizer DeBERTa does not use; the message names it.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt; the message names it or its folder.</exception>
    public static DebertaTokenizerBase FromFolder(string directory, DebertaTokenizerLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Tokenizer folder '{directory}' does not exist.");
        return TokenizerJsonFile.Guard(directory, () => IsV2Folder(directory)) ? DebertaV2Tokenizer.FromFolder(directory, options) : DebertaTokenizer.FromFolder(directory, options);
    }

    private static bool IsV2Folder(string directory)
    {
        if (File.Exists(Path.Combine(directory, "spm.model")) || File.Exists(Path.Combine(directory, "tokenizer.model")))
            return true;
        if (TokenizerJsonFile.ReadObjectIfPresent(Path.Combine(directory, "tokenizer_config.json")) is JsonElement config
            && config.TryGetProperty("tokenizer_class", out JsonElement name) && name.ValueKind == JsonValueKind.String)
        {
            string tokenizerClass = name.GetString()!;
            if (tokenizerClass.StartsWith("DebertaV2Tokenizer", StringComparison.Ordinal))
                return true;
            if (tokenizerClass.StartsWith("DebertaTokenizer", StringComparison.Ordinal))
                return false;
        }
        string tokenizerJson = Path.Combine(directory, "tokenizer.json");
        if (File.Exists(tokenizerJson))
        {
            JsonElement root = TokenizerJsonFile.ReadObject(tokenizerJson);
            return root.TryGetProperty("model", out JsonElement model) && model.ValueKind == JsonValueKind.Object
                && model.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String
                && type.GetString() == "Unigram";
        }
        if (File.Exists(Path.Combine(directory, "vocab.json")))
            return false;
        throw new FileNotFoundException(
            $"Tokenizer folder '{directory}' has none of spm.model, tokenizer.json, vocab.json + merges.txt.", Path.Combine(directory, "spm.model"));
    }
}
