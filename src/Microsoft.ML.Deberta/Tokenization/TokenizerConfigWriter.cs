using System.Globalization;
using System.Text.Json;

namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// Writes <c>tokenizer_config.json</c> (with transformers' <c>added_tokens_decoder</c>, so strip flags and ids
/// survive) and <c>special_tokens_map.json</c> the way transformers ≥ 4.34 lays them out.
/// </summary>
internal static class TokenizerConfigWriter
{
    private static readonly JsonWriterOptions s_options = new() { Indented = true };

    public static IReadOnlyList<string> Write(
        string directory, SpecialTokenSet specials, string tokenizerClass, int modelMaxLength, IReadOnlyDictionary<string, bool> flags)
    {
        string configPath = Path.Combine(directory, "tokenizer_config.json");
        using (FileStream stream = File.Create(configPath))
        using (var json = new Utf8JsonWriter(stream, s_options))
        {
            json.WriteStartObject();
            json.WriteStartObject("added_tokens_decoder");
            foreach (AddedToken token in specials.All.DistinctBy(t => t.Id).OrderBy(t => t.Id))
            {
                json.WriteStartObject(token.Id.ToString(CultureInfo.InvariantCulture));
                json.WriteString("content", token.Content);
                json.WriteBoolean("lstrip", token.LStrip);
                json.WriteBoolean("normalized", false);
                json.WriteBoolean("rstrip", token.RStrip);
                json.WriteBoolean("single_word", false);
                json.WriteBoolean("special", token.Special);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            foreach ((string name, bool value) in flags)
                json.WriteBoolean(name, value);
            WriteRoles(json, specials);
            if (modelMaxLength != int.MaxValue)
                json.WriteNumber("model_max_length", modelMaxLength);
            json.WriteString("tokenizer_class", tokenizerClass);
            json.WriteEndObject();
        }

        string mapPath = Path.Combine(directory, "special_tokens_map.json");
        using (FileStream stream = File.Create(mapPath))
        using (var json = new Utf8JsonWriter(stream, s_options))
        {
            json.WriteStartObject();
            WriteRoles(json, specials);
            json.WriteEndObject();
        }
        return [configPath, mapPath];
    }

    private static void WriteRoles(Utf8JsonWriter json, SpecialTokenSet specials)
    {
        json.WriteString("bos_token", specials.Cls.Content);
        json.WriteString("cls_token", specials.Cls.Content);
        json.WriteString("eos_token", specials.Sep.Content);
        json.WriteString("mask_token", specials.Mask.Content);
        json.WriteString("pad_token", specials.Pad.Content);
        json.WriteString("sep_token", specials.Sep.Content);
        json.WriteString("unk_token", specials.Unk.Content);
    }
}
