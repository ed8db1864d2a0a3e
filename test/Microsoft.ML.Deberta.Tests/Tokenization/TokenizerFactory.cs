using System.Text.Json;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tests.Tokenization;

/// <summary>Builds the tokenizer a cases file's meta names (tokenizer_type, tokenizer_dir, options).</summary>
internal static class TokenizerFactory
{
    public static DebertaTokenizerBase Load(JsonElement meta, string root, out string description)
    {
        string type = meta.TryGetProperty("tokenizer_type", out JsonElement t) ? t.GetString() ?? "" : "";
        string directory = meta.TryGetProperty("tokenizer_dir", out JsonElement d) ? d.GetString() ?? "" : "";
        if (type.Length == 0 || directory.Length == 0)
            throw new InvalidDataException("meta lacks tokenizer_type or tokenizer_dir.");
        string folder = Path.Combine(root, directory);
        DebertaTokenizerLoadOptions options = ReadOptions(meta);
        description = $"{type} from {directory}" + (meta.TryGetProperty("options", out JsonElement o) ? $", options {JsonSerializer.Serialize(o)}" : "");
        return type switch
        {
            "deberta-v1" => DebertaTokenizer.FromFolder(folder, options),
            "deberta-v2" => throw new NotSupportedException("DebertaV2Tokenizer is not available yet: it waits for the SentencePiece unigram engine (Tokenization/SentencePiece)."),
            _ => throw new InvalidDataException($"unknown tokenizer_type '{type}'."),
        };
    }

    private static DebertaTokenizerLoadOptions ReadOptions(JsonElement meta)
    {
        var options = new DebertaTokenizerLoadOptions();
        if (!meta.TryGetProperty("options", out JsonElement values) || values.ValueKind == JsonValueKind.Null)
            return options;
        foreach (JsonProperty option in values.EnumerateObject())
        {
            options = option.Name switch
            {
                "add_prefix_space" => new DebertaTokenizerLoadOptions { AddPrefixSpace = option.Value.GetBoolean(), DoLowerCase = options.DoLowerCase, SplitByPunct = options.SplitByPunct, ModelMaxLength = options.ModelMaxLength },
                "do_lower_case" => new DebertaTokenizerLoadOptions { AddPrefixSpace = options.AddPrefixSpace, DoLowerCase = option.Value.GetBoolean(), SplitByPunct = options.SplitByPunct, ModelMaxLength = options.ModelMaxLength },
                "split_by_punct" => new DebertaTokenizerLoadOptions { AddPrefixSpace = options.AddPrefixSpace, DoLowerCase = options.DoLowerCase, SplitByPunct = option.Value.GetBoolean(), ModelMaxLength = options.ModelMaxLength },
                "model_max_length" => new DebertaTokenizerLoadOptions { AddPrefixSpace = options.AddPrefixSpace, DoLowerCase = options.DoLowerCase, SplitByPunct = options.SplitByPunct, ModelMaxLength = option.Value.GetInt32() },
                _ => throw new InvalidDataException($"unknown tokenizer option '{option.Name}' in meta.options."),
            };
        }
        return options;
    }
}
