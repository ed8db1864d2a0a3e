using System.Text.Json;
using Microsoft.ML.Deberta.Tokenization.SentencePiece;

namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// A DeBERTa v2/v3 <c>tokenizer.json</c> (the <c>tokenizers</c> library's file) turned into our SentencePiece engine:
/// the Unigram vocabulary with its scores, the normaliser (a <c>Precompiled</c> character map as transformers 4.x
/// writes it, or transformers 5's whitespace-folding <c>Replace</c> + <c>NFC</c> + <c>Strip</c>), the Metaspace
/// pre-tokenizer (with <c>Punctuation</c> for <c>split_by_punct</c>) and the DeBERTa post-processor template.
/// Anything else is refused with a message naming what the file holds.
/// </summary>
internal sealed class TokenizerJsonUnigram
{
    // The two Replace rules the DeBERTa-v2 converters write: 4.x after Precompiled, transformers 5 first.
    private const string CollapseSpaces = " {2,}";
    private const string FoldWhitespace = @"\s{2,}|[\n\r\t]";

    private readonly string _path;
    private byte[] _charsmap = [];
    private bool _addDummyPrefix = true;

    private TokenizerJsonUnigram(string path) => _path = path;

    public SentencePieceUnigramModel Model { get; private set; } = null!;

    /// <summary>A <c>Lowercase</c> normaliser is present (<c>do_lower_case</c>).</summary>
    public bool DoLowerCase { get; private set; }

    /// <summary>A <c>Punctuation</c> pre-tokenizer is present (<c>split_by_punct</c>).</summary>
    public bool SplitByPunct { get; private set; }

    /// <summary>transformers 5's <c>Replace(\s{2,}|[\n\r\t], " ")</c> is present: whitespace runs and tabs/newlines become spaces.</summary>
    public bool FoldsWhitespace { get; private set; }

    /// <summary>An <c>NFC</c> step is present (transformers 5).</summary>
    public bool ComposesNfc { get; private set; }

    /// <summary>Reads and checks the file's model, normaliser, pre-tokenizer and post-processor.</summary>
    /// <exception cref="NotSupportedException">A component this tokenizer cannot honour; the message names it.</exception>
    /// <exception cref="InvalidDataException">The file is malformed.</exception>
    public static TokenizerJsonUnigram Read(string path, JsonElement root)
    {
        var reader = new TokenizerJsonUnigram(path);
        JsonElement model = reader.Object(root, "model") ?? throw TokenizerJsonFile.Invalid(path, "it has no \"model\".");
        string type = reader.Type(model, "model");
        if (type != "Unigram")
            throw reader.Unsupported($"its model is {type}; a DeBERTa v2/v3 tokenizer needs a Unigram model (a SentencePiece vocabulary with scores)");
        if (reader.Object(root, "normalizer") is JsonElement normalizer)
            reader.ReadNormalizer(normalizer);
        reader.ReadPreTokenizer(reader.Object(root, "pre_tokenizer")
            ?? throw reader.Unsupported("it has no pre_tokenizer; a DeBERTa v2/v3 tokenizer needs Metaspace"));
        if (reader.Object(root, "post_processor") is JsonElement post)
            reader.CheckTemplate(post);
        reader.Model = reader.BuildModel(model, root);
        return reader;
    }

    private void ReadNormalizer(JsonElement normalizer)
    {
        foreach (JsonElement step in Flatten(normalizer, "normalizers"))
        {
            string type = Type(step, "normalizer");
            switch (type)
            {
                case "Lowercase": DoLowerCase = true; break;
                case "Strip": break;   // the engine strips whitespace itself
                case "NFC": ComposesNfc = true; break;
                case "Precompiled":
                    string? map = step.TryGetProperty("precompiled_charsmap", out JsonElement m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    try { _charsmap = string.IsNullOrEmpty(map) ? [] : Convert.FromBase64String(map); }
                    catch (FormatException) { throw TokenizerJsonFile.Invalid(_path, "the Precompiled normalizer's precompiled_charsmap is not base64."); }
                    break;
                case "Replace":
                    string pattern = step.TryGetProperty("pattern", out JsonElement p) && p.ValueKind == JsonValueKind.Object
                        ? (p.TryGetProperty("Regex", out JsonElement r) ? r : p.TryGetProperty("String", out JsonElement s) ? s : default).GetString() ?? "" : "";
                    string content = step.TryGetProperty("content", out JsonElement c) ? c.GetString() ?? "" : "";
                    if (content == " " && pattern == FoldWhitespace)
                        FoldsWhitespace = true;
                    else if (!(content == " " && pattern == CollapseSpaces))
                        throw Unsupported($"its normalizer has Replace(\"{pattern}\" → \"{content}\"); only the DeBERTa-v2 converters' whitespace rules are understood");
                    break;
                default:
                    throw Unsupported($"its normalizer has a {type} step; supported: Precompiled, Replace (whitespace), NFC, Strip, Lowercase");
            }
        }
    }

    private void ReadPreTokenizer(JsonElement preTokenizer)
    {
        bool metaspace = false;
        foreach (JsonElement step in Flatten(preTokenizer, "pretokenizers"))
        {
            string type = Type(step, "pre_tokenizer");
            if (type == "Punctuation" && (!step.TryGetProperty("behavior", out JsonElement b) || b.GetString() is "Isolated" or "isolated"))
                SplitByPunct = true;
            else if (type == "Metaspace")
            {
                if (step.TryGetProperty("replacement", out JsonElement replacement) && replacement.GetString() != "\u2581")
                    throw Unsupported($"its Metaspace replacement is \"{replacement.GetString()}\", not \"\u2581\"");
                string scheme = step.TryGetProperty("prepend_scheme", out JsonElement ps) ? ps.GetString() ?? "always"
                    : step.TryGetProperty("add_prefix_space", out JsonElement aps) && aps.ValueKind == JsonValueKind.False ? "never" : "always";
                if (scheme is not ("always" or "first" or "never"))
                    throw Unsupported($"its Metaspace prepend_scheme is \"{scheme}\"");
                _addDummyPrefix = scheme != "never";
                metaspace = true;
            }
            else
                throw Unsupported($"its pre_tokenizer has a {type} step; supported: Metaspace, and Punctuation (isolated) before it");
        }
        if (!metaspace)
            throw Unsupported("its pre_tokenizer has no Metaspace step");
    }

    /// <summary>The DeBERTa layout: single <c>[CLS]:0 $A:0 [SEP]:0</c>, pair <c>… $B:1 [SEP]:1</c>.</summary>
    private void CheckTemplate(JsonElement post)
    {
        string type = Type(post, "post_processor");
        if (type != "TemplateProcessing")
            throw Unsupported($"its post_processor is {type}; DeBERTa's is TemplateProcessing [CLS] $A [SEP] ($B [SEP])");
        string single = Template(post, "single"), pair = Template(post, "pair");
        const string expectedSingle = "[CLS]:0 $A:0 [SEP]:0", expectedPair = "[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1";
        if (single != expectedSingle || pair != expectedPair)
            throw Unsupported($"its post_processor template is \"{single}\" / \"{pair}\"; DeBERTa's is \"{expectedSingle}\" / \"{expectedPair}\"");
    }

    private static string Template(JsonElement post, string name)
    {
        if (!post.TryGetProperty(name, out JsonElement items) || items.ValueKind != JsonValueKind.Array)
            return "(none)";
        // Each item is {"SpecialToken": {"id": "[CLS]", "type_id": 0}} or {"Sequence": {"id": "A", "type_id": 0}};
        // anything else shows as "?", so the comparison with DeBERTa's template refuses it by name.
        return string.Join(' ', items.EnumerateArray().Select(item =>
            item.ValueKind == JsonValueKind.Object && item.EnumerateObject().FirstOrDefault() is { Value.ValueKind: JsonValueKind.Object } part
            && part.Value.TryGetProperty("id", out JsonElement id) && id.ValueKind == JsonValueKind.String
            && part.Value.TryGetProperty("type_id", out JsonElement typeId) && typeId.TryGetInt32(out int type)
                ? $"{(part.Name == "Sequence" ? "$" : "")}{id.GetString()}:{type}" : "?"));
    }

    private SentencePieceUnigramModel BuildModel(JsonElement model, JsonElement root)
    {
        if (!model.TryGetProperty("vocab", out JsonElement vocab) || vocab.ValueKind != JsonValueKind.Array)
            throw TokenizerJsonFile.Invalid(_path, "the Unigram model has no \"vocab\" array.");
        int unkId = model.TryGetProperty("unk_id", out JsonElement u) && u.ValueKind == JsonValueKind.Number ? u.GetInt32()
            : throw Unsupported("its Unigram model has no unk_id; DeBERTa's vocabulary has [UNK]");
        bool byteFallback = model.TryGetProperty("byte_fallback", out JsonElement bf) && bf.ValueKind == JsonValueKind.True;
        var special = new HashSet<int>();
        if (root.TryGetProperty("added_tokens", out JsonElement added) && added.ValueKind == JsonValueKind.Array)
            foreach (JsonElement token in added.EnumerateArray())
                if (token.TryGetProperty("special", out JsonElement s) && s.ValueKind == JsonValueKind.True && token.TryGetProperty("id", out JsonElement id))
                    special.Add(id.GetInt32());

        var pieces = new List<SentencePieceModelWriter.PieceEntry>();
        foreach (JsonElement entry in vocab.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() != 2 || entry[0].ValueKind != JsonValueKind.String || entry[1].ValueKind != JsonValueKind.Number)
                throw TokenizerJsonFile.Invalid(_path, $"vocab entry {pieces.Count} is not [piece, score].");
            string piece = entry[0].GetString()!;
            int id = pieces.Count;
            var type = id == unkId ? SentencePieceType.Unknown
                : special.Contains(id) ? SentencePieceType.Control
                : byteFallback && piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece.EndsWith('>') ? SentencePieceType.Byte
                : SentencePieceType.Normal;
            pieces.Add(new(piece, (float)entry[1].GetDouble(), type));
        }
        if ((uint)unkId >= (uint)pieces.Count)
            throw TokenizerJsonFile.Invalid(_path, $"unk_id {unkId} is outside the {pieces.Count}-piece vocabulary.");
        string? Named(string name) => pieces.Any(p => p.Piece == name) ? name : null;
        byte[] bytes = SentencePieceModelWriter.Write(pieces, _charsmap.Length > 0 ? "tokenizer.json Precompiled" : "tokenizer.json identity",
            _charsmap, _addDummyPrefix, removeExtraWhitespaces: true, byteFallback, (pieces[unkId].Piece, Named("[CLS]"), Named("[SEP]"), Named("[PAD]")));
        try
        {
            return SentencePieceUnigramModel.Load(new MemoryStream(bytes));
        }
        catch (InvalidDataException e)
        {
            throw TokenizerJsonFile.Invalid(_path, $"its Unigram model is not usable: {e.Message}");
        }
    }

    private IEnumerable<JsonElement> Flatten(JsonElement component, string listName)
        => Type(component, listName) == "Sequence" && component.TryGetProperty(listName, out JsonElement list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().SelectMany(e => Flatten(e, listName))
            : [component];

    private string Type(JsonElement component, string what)
        => component.ValueKind == JsonValueKind.Object && component.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()! : throw TokenizerJsonFile.Invalid(_path, $"a {what} entry has no \"type\".");

    private JsonElement? Object(JsonElement root, string name)
        => root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private NotSupportedException Unsupported(string what)
        => new($"Tokenizer file '{_path}' cannot be used as a DeBERTa v2/v3 tokenizer: {what}.");
}
