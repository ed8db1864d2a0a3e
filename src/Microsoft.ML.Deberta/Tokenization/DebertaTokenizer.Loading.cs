using System.Text.Json;

namespace Microsoft.ML.Deberta.Tokenization;

public sealed partial class DebertaTokenizer
{
    /// <summary>
    /// Loads a DeBERTa v1 tokenizer from a Hugging Face folder: <c>tokenizer.json</c> when present, otherwise
    /// <c>vocab.json</c> + <c>merges.txt</c>; plus <c>tokenizer_config.json</c>, <c>special_tokens_map.json</c>
    /// and <c>added_tokens.json</c> when present. The pair template is always transformers 4.x's
    /// <c>[CLS] A [SEP] B [SEP]</c> (a <c>post_processor</c> in tokenizer.json is not used).
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <param name="options">Overrides of the folder's settings (e.g. <see cref="DebertaTokenizerLoadOptions.AddPrefixSpace"/>).</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">Neither tokenizer.json nor vocab.json and merges.txt are there.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt; the message names it.</exception>
    public static new DebertaTokenizer FromFolder(string directory, DebertaTokenizerLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Tokenizer folder '{directory}' does not exist.");
        return TokenizerJsonFile.Guard(directory, () => Load(directory, options));
    }

    private static DebertaTokenizer Load(string directory, DebertaTokenizerLoadOptions? options)
    {
        string tokenizerJsonPath = Path.Combine(directory, "tokenizer.json");
        ByteLevelBpeVocabulary vocabulary;
        JsonElement? tokenizerJson = null;
        bool? prefixFromTokenizerJson = null;
        if (File.Exists(tokenizerJsonPath))
        {
            JsonElement root = TokenizerJsonFile.ReadObject(tokenizerJsonPath);
            vocabulary = ByteLevelBpeVocabulary.FromTokenizerJsonModel(ReadBpeModel(root, tokenizerJsonPath), tokenizerJsonPath);
            prefixFromTokenizerJson = ReadByteLevelPreTokenizer(root, tokenizerJsonPath);
            tokenizerJson = root;
        }
        else
        {
            string vocabPath = Path.Combine(directory, "vocab.json"), mergesPath = Path.Combine(directory, "merges.txt");
            string[] missing = new[] { vocabPath, mergesPath }.Where(p => !File.Exists(p)).ToArray();
            if (missing.Length > 0)
                throw new FileNotFoundException(
                    $"Tokenizer folder '{directory}' has no tokenizer.json and is missing {string.Join(" and ", missing.Select(Path.GetFileName))}.",
                    missing[0]);
            vocabulary = ByteLevelBpeVocabulary.FromFiles(vocabPath, mergesPath);
        }

        TokenizerFolderConfig config = TokenizerFolderConfig.Read(directory, tokenizerJson);
        bool addPrefixSpace = options?.AddPrefixSpace ?? config.GetBoolean("add_prefix_space") ?? prefixFromTokenizerJson ?? false;
        int modelMaxLength = options?.ModelMaxLength ?? config.ModelMaxLength ?? int.MaxValue;
        SpecialTokenSet specials = config.ResolveSpecialTokens(
            token => vocabulary.Vocabulary.TryGetValue(token, out int id) ? id : -1,
            vocabulary.Vocabulary.Values.Max() + 1,
            maskLStrip: true);
        return new DebertaTokenizer(vocabulary, specials, addPrefixSpace, modelMaxLength);
    }

    private static JsonElement ReadBpeModel(JsonElement root, string path)
    {
        if (!root.TryGetProperty("model", out JsonElement model) || model.ValueKind != JsonValueKind.Object)
            throw TokenizerJsonFile.Invalid(path, "there is no \"model\" object.");
        string? type = model.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type is not null && type != "BPE")
            throw TokenizerJsonFile.Invalid(path, $"the model is '{type}', not the byte-level BPE of DeBERTa v1 (a Unigram model is DeBERTa v2/v3: use DebertaV2Tokenizer).");
        foreach (string name in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
            if (model.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0)
                throw new NotSupportedException($"Tokenizer file '{path}': BPE with a {name} is not DeBERTa v1's byte-level BPE.");
        if (TokenizerJsonFile.GetBoolean(model, "byte_fallback", path) == true)
            throw new NotSupportedException($"Tokenizer file '{path}': BPE with byte_fallback is not DeBERTa v1's byte-level BPE.");
        if (model.TryGetProperty("dropout", out JsonElement dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() > 0)
            throw new NotSupportedException($"Tokenizer file '{path}': BPE dropout is not supported (inference tokenization must be deterministic).");
        if (root.TryGetProperty("normalizer", out JsonElement normalizer) && normalizer.ValueKind != JsonValueKind.Null)
            throw new NotSupportedException($"Tokenizer file '{path}': DeBERTa v1 has no normalizer; this file has one.");
        return model;
    }

    /// <summary>Returns the ByteLevel pre-tokenizer's <c>add_prefix_space</c> (it may sit inside a Sequence).</summary>
    private static bool? ReadByteLevelPreTokenizer(JsonElement root, string path)
    {
        if (!root.TryGetProperty("pre_tokenizer", out JsonElement pre) || pre.ValueKind == JsonValueKind.Null)
            throw new NotSupportedException($"Tokenizer file '{path}': there is no ByteLevel pre-tokenizer, so this is not DeBERTa v1's tokenizer.");
        IEnumerable<JsonElement> parts = TypeOf(pre) == "Sequence" && pre.TryGetProperty("pretokenizers", out JsonElement list)
            && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : [pre];
        foreach (JsonElement part in parts)
        {
            if (TypeOf(part) != "ByteLevel")
                throw new NotSupportedException($"Tokenizer file '{path}': pre-tokenizer '{TypeOf(part)}' is not DeBERTa v1's ByteLevel pre-tokenizer.");
            if (TokenizerJsonFile.GetBoolean(part, "use_regex", path) == false)
                throw new NotSupportedException($"Tokenizer file '{path}': a ByteLevel pre-tokenizer without its regex is not supported.");
            return TokenizerJsonFile.GetBoolean(part, "add_prefix_space", path);
        }
        return null;
    }

    private static string? TypeOf(JsonElement element)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String
            ? t.GetString() : null;
}
