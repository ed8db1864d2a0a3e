using System.Text.Json;

namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// The optional configuration files of a Hugging Face tokenizer folder (<c>tokenizer_config.json</c>,
/// <c>special_tokens_map.json</c>, <c>added_tokens.json</c>, and the <c>added_tokens</c> of <c>tokenizer.json</c>)
/// and how they decide the special tokens: content from the config or the map (default <c>[CLS]</c>, …), flags
/// and ids from the most specific definition (tokenizer.json, then <c>added_tokens_decoder</c>, then
/// added_tokens.json), else the model vocabulary, else the next free id.
/// </summary>
internal sealed class TokenizerFolderConfig
{
    private readonly List<Definition> _definitions = [];
    private readonly JsonElement? _config;
    private readonly JsonElement? _map;

    private TokenizerFolderConfig(string directory, JsonElement? tokenizerJson)
    {
        ConfigPath = Path.Combine(directory, "tokenizer_config.json");
        MapPath = Path.Combine(directory, "special_tokens_map.json");
        string addedPath = Path.Combine(directory, "added_tokens.json");
        _config = TokenizerJsonFile.ReadObjectIfPresent(ConfigPath);
        _map = TokenizerJsonFile.ReadObjectIfPresent(MapPath);

        if (tokenizerJson is JsonElement tj && tj.TryGetProperty("added_tokens", out JsonElement list) && list.ValueKind != JsonValueKind.Null)
        {
            string path = Path.Combine(directory, "tokenizer.json");
            if (list.ValueKind != JsonValueKind.Array)
                throw TokenizerJsonFile.Invalid(path, "\"added_tokens\" must be an array.");
            foreach (JsonElement entry in list.EnumerateArray())
                _definitions.Add(ReadDefinition(entry, null, path));
        }
        if (_config is JsonElement config && config.TryGetProperty("added_tokens_decoder", out JsonElement decoder) && decoder.ValueKind == JsonValueKind.Object)
            foreach (JsonProperty entry in decoder.EnumerateObject())
            {
                if (!int.TryParse(entry.Name, out int id) || id < 0)
                    throw TokenizerJsonFile.Invalid(ConfigPath, $"\"added_tokens_decoder\" key '{entry.Name}' is not a token id.");
                _definitions.Add(ReadDefinition(entry.Value, id, ConfigPath));
            }
        if (TokenizerJsonFile.ReadObjectIfPresent(addedPath) is JsonElement added)
            foreach (JsonProperty entry in added.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
                    throw TokenizerJsonFile.Invalid(addedPath, $"the id of '{entry.Name}' must be a non-negative integer.");
                _definitions.Add(new Definition(entry.Name, id, null, null, false));
            }
    }

    public string ConfigPath { get; }

    public string MapPath { get; }

    public static TokenizerFolderConfig Read(string directory, JsonElement? tokenizerJson = null) => new(directory, tokenizerJson);

    public bool? GetBoolean(string name) => _config is JsonElement c ? TokenizerJsonFile.GetBoolean(c, name, ConfigPath) : null;

    public int? ModelMaxLength => _config is JsonElement c ? TokenizerJsonFile.GetClampedInt(c, "model_max_length", ConfigPath) : null;

    /// <summary>Resolves the five special tokens and every other added token.</summary>
    /// <param name="vocabularyId">Id of a token in the model vocabulary, or -1.</param>
    /// <param name="firstFreeId">The first id after the model vocabulary, for tokens defined nowhere.</param>
    /// <param name="maskLStrip">Whether <c>[MASK]</c> absorbs the whitespace before it unless a file says otherwise.</param>
    public SpecialTokenSet ResolveSpecialTokens(Func<string, int> vocabularyId, int firstFreeId, bool maskLStrip)
    {
        // Tokens defined nowhere take the first ids after the model vocabulary that no file gives to another token.
        var taken = new HashSet<int>(_definitions.Where(d => d.Id is not null).Select(d => d.Id!.Value));
        int nextId = firstFreeId;
        var resolved = new Dictionary<string, AddedToken>(StringComparer.Ordinal);

        AddedToken Resolve(string content, bool? lstrip, bool? rstrip, bool special)
        {
            if (resolved.TryGetValue(content, out AddedToken? known))
                return known;
            Definition? definition = _definitions.FirstOrDefault(d => d.Content == content);
            int id = definition?.Id ?? vocabularyId(content);
            if (id < 0)
            {
                while (taken.Contains(nextId))
                    nextId++;
                id = nextId++;
            }
            var token = new AddedToken(content, id, definition?.LStrip ?? lstrip ?? false, definition?.RStrip ?? rstrip ?? false,
                definition?.Special ?? special);
            resolved[content] = token;
            return token;
        }

        AddedToken Role(string role, string fallback, bool lstrip)
        {
            (string content, bool? l, bool? r) = RoleContent(role) ?? (fallback, null, null);
            return Resolve(content, l ?? lstrip, r, true);
        }

        AddedToken cls = Role("cls_token", "[CLS]", false), sep = Role("sep_token", "[SEP]", false);
        AddedToken pad = Role("pad_token", "[PAD]", false), unk = Role("unk_token", "[UNK]", false);
        AddedToken mask = Role("mask_token", "[MASK]", maskLStrip);
        foreach ((string content, bool? l, bool? r) in AdditionalSpecialTokens())
            Resolve(content, l, r, true);
        foreach (Definition d in _definitions)
            Resolve(d.Content, d.LStrip, d.RStrip, d.Special ?? false);
        var roles = new HashSet<AddedToken>([cls, sep, pad, unk, mask]);
        return new SpecialTokenSet(cls, sep, pad, unk, mask, resolved.Values.Where(t => !roles.Contains(t)).ToArray());
    }

    private (string Content, bool? LStrip, bool? RStrip)? RoleContent(string role)
    {
        foreach ((JsonElement? file, string path) in new[] { (_config, ConfigPath), (_map, MapPath) })
            if (file is JsonElement f && f.TryGetProperty(role, out JsonElement value) && value.ValueKind != JsonValueKind.Null)
                return ReadTokenValue(value, path, role);
        return null;
    }

    private IEnumerable<(string, bool?, bool?)> AdditionalSpecialTokens()
    {
        foreach ((JsonElement? file, string path) in new[] { (_config, ConfigPath), (_map, MapPath) })
            if (file is JsonElement f && f.TryGetProperty("additional_special_tokens", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
                foreach (JsonElement item in list.EnumerateArray())
                    yield return ReadTokenValue(item, path, "additional_special_tokens");
    }

    /// <summary>A token given as a string or as an <c>AddedToken</c> dictionary (<c>{"content": …, "lstrip": …}</c>).</summary>
    private static (string, bool?, bool?) ReadTokenValue(JsonElement value, string path, string key)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
            return (text, null, null);
        if (value.ValueKind == JsonValueKind.Object
            && value.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.String
            && content.GetString() is { Length: > 0 } c)
            return (c, TokenizerJsonFile.GetBoolean(value, "lstrip", path), TokenizerJsonFile.GetBoolean(value, "rstrip", path));
        throw TokenizerJsonFile.Invalid(path, $"\"{key}\" must be a non-empty string or an object with a non-empty \"content\".");
    }

    private static Definition ReadDefinition(JsonElement entry, int? id, string path)
    {
        (string content, bool? lstrip, bool? rstrip) = ReadTokenValue(entry, path, "added token");
        if (id is null)
        {
            if (!entry.TryGetProperty("id", out JsonElement idValue) || !idValue.TryGetInt32(out int parsed) || parsed < 0)
                throw TokenizerJsonFile.Invalid(path, $"added token '{content}' has no valid \"id\".");
            id = parsed;
        }
        if (TokenizerJsonFile.GetBoolean(entry, "single_word", path) == true)
            throw new NotSupportedException($"Tokenizer file '{path}': added token '{content}' uses single_word=true, which this tokenizer does not support.");
        return new Definition(content, id, lstrip, rstrip, TokenizerJsonFile.GetBoolean(entry, "special", path));
    }

    private sealed record Definition(string Content, int? Id, bool? LStrip, bool? RStrip, bool? Special);
}
