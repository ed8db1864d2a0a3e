using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Deberta.Configuration;

/// <summary>Reads and writes <see cref="DebertaConfig"/> in the <c>config.json</c> format of transformers.</summary>
internal static class DebertaConfigJson
{
    private static readonly string[] ModelledKeys =
    [
        "model_type", "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
        "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob", "max_position_embeddings", "type_vocab_size",
        "initializer_range", "layer_norm_eps", "relative_attention", "max_relative_positions", "pad_token_id",
        "position_biased_input", "pos_att_type", "pooler_dropout", "pooler_hidden_act", "pooler_hidden_size", "legacy",
        "bos_token_id", "eos_token_id", "tie_word_embeddings", "embedding_size", "talking_head", "attention_head_size",
        "position_buckets", "share_att_key", "norm_rel_ebd", "conv_kernel_size", "conv_act", "conv_groups", "cls_dropout",
        "problem_type", "architectures", "num_labels", "id2label", "label2id",
    ];

    public static DebertaConfig Parse(string json)
    {
        JsonNode? root;
        try
        {
            // A key given twice is refused here: JsonObject would otherwise throw an ArgumentException at first use.
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            // System.Text.Json's own words only for a duplicate key (they name it); a syntax error's place says enough.
            var what = e.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase) ? $": {e.Message}" : "";
            throw new DebertaConfigException("config.json",
                $"The config is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}){what}. Replace config.json with the checkpoint's original.");
        }
        if (root is not JsonObject o)
            throw new DebertaConfigException("config.json", "The config must be a JSON object.");

        var modelType = GetString(o, "model_type")
            ?? throw new DebertaConfigException("model_type", "The config has no model_type; expected \"deberta\" or \"deberta-v2\".");
        var version = modelType switch
        {
            DebertaConfig.V1ModelType => DebertaVersion.V1,
            DebertaConfig.V2ModelType => DebertaVersion.V2,
            _ => throw new DebertaConfigException("model_type",
                $"model_type '{modelType}' is not a DeBERTa model type; expected \"deberta\" or \"deberta-v2\"."),
        };

        var c = new DebertaConfig(version);
        c.VocabSize = GetInt(o, "vocab_size") ?? c.VocabSize;
        c.HiddenSize = GetInt(o, "hidden_size") ?? c.HiddenSize;
        c.NumHiddenLayers = GetInt(o, "num_hidden_layers") ?? c.NumHiddenLayers;
        c.NumAttentionHeads = GetInt(o, "num_attention_heads") ?? c.NumAttentionHeads;
        c.IntermediateSize = GetInt(o, "intermediate_size") ?? c.IntermediateSize;
        c.HiddenAct = GetActivation(o, "hidden_act") ?? c.HiddenAct;
        c.HiddenDropoutProb = GetDouble(o, "hidden_dropout_prob") ?? c.HiddenDropoutProb;
        c.AttentionProbsDropoutProb = GetDouble(o, "attention_probs_dropout_prob") ?? c.AttentionProbsDropoutProb;
        c.MaxPositionEmbeddings = GetInt(o, "max_position_embeddings") ?? c.MaxPositionEmbeddings;
        c.TypeVocabSize = GetInt(o, "type_vocab_size") ?? c.TypeVocabSize;
        c.InitializerRange = GetDouble(o, "initializer_range") ?? c.InitializerRange;
        c.LayerNormEps = GetDouble(o, "layer_norm_eps") ?? c.LayerNormEps;
        c.RelativeAttention = GetBool(o, "relative_attention") ?? c.RelativeAttention;
        c.MaxRelativePositions = GetInt(o, "max_relative_positions") ?? c.MaxRelativePositions;
        c.PadTokenId = o.ContainsKey("pad_token_id") ? GetInt(o, "pad_token_id") : c.PadTokenId;
        c.PositionBiasedInput = GetBool(o, "position_biased_input") ?? c.PositionBiasedInput;
        c.PosAttType = GetPosAttType(o);
        c.PoolerDropout = GetDouble(o, "pooler_dropout") ?? c.PoolerDropout;
        c.PoolerHiddenAct = GetActivation(o, "pooler_hidden_act") ?? c.PoolerHiddenAct;
        c.PoolerHiddenSize = GetInt(o, "pooler_hidden_size");
        c.Legacy = GetBool(o, "legacy") ?? c.Legacy;
        c.BosTokenId = GetInt(o, "bos_token_id");
        c.EosTokenId = GetInt(o, "eos_token_id");
        c.TieWordEmbeddings = GetBool(o, "tie_word_embeddings") ?? c.TieWordEmbeddings;
        c.EmbeddingSize = GetInt(o, "embedding_size");
        c.TalkingHead = GetBool(o, "talking_head");
        c.AttentionHeadSize = GetInt(o, "attention_head_size");
        c.PositionBuckets = GetInt(o, "position_buckets");
        c.ShareAttKey = GetBool(o, "share_att_key");
        c.NormRelEbd = GetString(o, "norm_rel_ebd");
        c.ConvKernelSize = GetInt(o, "conv_kernel_size");
        c.ConvAct = GetActivation(o, "conv_act");
        c.ConvGroups = GetInt(o, "conv_groups");
        c.ClsDropout = GetDouble(o, "cls_dropout");
        c.ProblemType = GetProblemType(o);
        c.Architectures = GetStringList(o, "architectures") ?? new List<string>();
        ReadLabels(o, c);

        var extra = new JsonObject();
        foreach (var (key, value) in o)
        {
            if (!ModelledKeys.Contains(key))
                extra[key] = value?.DeepClone();
        }
        c.ExtraFields = extra;
        c.Validate();
        return c;
    }

    public static string Write(DebertaConfig c)
    {
        var o = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in c.ExtraFields)
            o[key] = value?.DeepClone();

        o["model_type"] = c.ModelType;
        o["vocab_size"] = c.VocabSize;
        o["hidden_size"] = c.HiddenSize;
        o["num_hidden_layers"] = c.NumHiddenLayers;
        o["num_attention_heads"] = c.NumAttentionHeads;
        o["intermediate_size"] = c.IntermediateSize;
        o["hidden_act"] = ActivationName(c.HiddenAct);
        o["hidden_dropout_prob"] = c.HiddenDropoutProb;
        o["attention_probs_dropout_prob"] = c.AttentionProbsDropoutProb;
        o["max_position_embeddings"] = c.MaxPositionEmbeddings;
        o["type_vocab_size"] = c.TypeVocabSize;
        o["initializer_range"] = c.InitializerRange;
        o["layer_norm_eps"] = c.LayerNormEps;
        o["relative_attention"] = c.RelativeAttention;
        o["max_relative_positions"] = c.MaxRelativePositions;
        o["pad_token_id"] = c.PadTokenId;
        o["position_biased_input"] = c.PositionBiasedInput;
        o["pos_att_type"] = c.PosAttType.Count == 0 ? null : new JsonArray(c.PosAttType.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        o["pooler_dropout"] = c.PoolerDropout;
        o["pooler_hidden_act"] = ActivationName(c.PoolerHiddenAct);
        o["pooler_hidden_size"] = c.PoolerHiddenSize ?? c.HiddenSize;
        o["legacy"] = c.Legacy;
        o["bos_token_id"] = c.BosTokenId;
        o["eos_token_id"] = c.EosTokenId;
        o["tie_word_embeddings"] = c.TieWordEmbeddings;
        WriteIfSet(o, "embedding_size", c.EmbeddingSize);
        WriteIfSet(o, "talking_head", c.TalkingHead);
        WriteIfSet(o, "attention_head_size", c.AttentionHeadSize);
        WriteIfSet(o, "position_buckets", c.PositionBuckets);
        WriteIfSet(o, "share_att_key", c.ShareAttKey);
        if (c.NormRelEbd is not null) o["norm_rel_ebd"] = c.NormRelEbd;
        WriteIfSet(o, "conv_kernel_size", c.ConvKernelSize);
        if (c.ConvAct is ActivationFunction convAct) o["conv_act"] = ActivationName(convAct);
        WriteIfSet(o, "conv_groups", c.ConvGroups);
        WriteIfSet(o, "cls_dropout", c.ClsDropout);
        if (c.ProblemType is ProblemType p) o["problem_type"] = ProblemTypeName(p);
        if (c.Architectures.Count > 0)
            o["architectures"] = new JsonArray(c.Architectures.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        // transformers omits the default two-label maps from a saved config; anything else is written out.
        bool defaultLabels = c.NumLabels == 2 && c.Id2Label[0] == "LABEL_0" && c.Id2Label[1] == "LABEL_1"
            && c.Label2Id.Count == 2 && c.Label2Id.GetValueOrDefault("LABEL_0", -1) == 0 && c.Label2Id.GetValueOrDefault("LABEL_1", -1) == 1;
        if (!defaultLabels)
        {
            var id2label = new JsonObject();
            foreach (var (id, name) in c.Id2Label.OrderBy(kv => kv.Key.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal))
                id2label[id.ToString(CultureInfo.InvariantCulture)] = name;
            var label2id = new JsonObject();
            foreach (var (name, id) in c.Label2Id.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                label2id[name] = id;
            o["id2label"] = id2label;
            o["label2id"] = label2id;
        }

        var root = new JsonObject();
        foreach (var (key, value) in o)
            root[key] = value;
        var text = root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return text + "\n";
    }

    private static void WriteIfSet<T>(SortedDictionary<string, JsonNode?> o, string key, T? value) where T : struct
    {
        if (value.HasValue) o[key] = JsonValue.Create(value.Value);
    }

    private static void ReadLabels(JsonObject o, DebertaConfig c)
    {
        int? numLabels = GetInt(o, "num_labels");
        Dictionary<int, string>? id2label = null;
        if (o["id2label"] is JsonNode idNode)
        {
            if (idNode is not JsonObject idObject)
                throw new DebertaConfigException("id2label", "id2label must be an object mapping class indices to names.");
            id2label = new Dictionary<int, string>();
            foreach (var (key, value) in idObject)
            {
                if (!int.TryParse(key, NumberStyles.Integer, CultureInfo.InvariantCulture, out int id))
                    throw new DebertaConfigException("id2label", $"id2label key '{key}' is not a class index.");
                if (value is not JsonValue v || !v.TryGetValue(out string? name))
                    throw new DebertaConfigException("id2label", $"id2label['{key}'] must be a string.");
                id2label[id] = name;
            }
            for (int i = 0; i < id2label.Count; i++)
            {
                if (!id2label.ContainsKey(i))
                    throw new DebertaConfigException("id2label",
                        $"id2label must number its {id2label.Count} labels 0…{id2label.Count - 1}; index {i} is missing.");
            }
            if (id2label.Count == 0)
                throw new DebertaConfigException("id2label", "id2label is empty; a config needs at least one label.");
        }

        Dictionary<string, int>? label2id = null;
        if (o["label2id"] is JsonNode labelNode)
        {
            if (labelNode is not JsonObject labelObject)
                throw new DebertaConfigException("label2id", "label2id must be an object mapping names to class indices.");
            label2id = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (key, value) in labelObject)
            {
                if (value is not JsonValue v || !TryGetInteger(v, out long id) || id < 0 || id > int.MaxValue)
                    throw new DebertaConfigException("label2id", $"label2id['{key}'] must be a class index.");
                label2id[key] = (int)id;
            }
        }

        if (id2label is not null)
        {
            if (numLabels is int n && n != id2label.Count)
                throw new DebertaConfigException("num_labels",
                    $"num_labels is {n} but id2label names {id2label.Count} labels.");
            // As transformers derives it (dict(zip(values, keys))): a name id2label repeats keeps its last id.
            if (label2id is null)
            {
                label2id = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var (id, name) in id2label.OrderBy(kv => kv.Key))
                    label2id[name] = id;
            }
            c.SetLabelMaps(id2label, label2id);
        }
        else if (numLabels is int n)
        {
            c.NumLabels = n;
        }
    }

    private static IList<string> GetPosAttType(JsonObject o)
    {
        var node = o["pos_att_type"];
        switch (node)
        {
            case null:
                return new List<string>();
            case JsonValue v when v.TryGetValue(out string? s):
                // transformers lower-cases a string, splits it on '|' and strips each item.
                return DebertaConfig.SplitBars(s).Where(x => x.Length > 0).ToList();
            case JsonArray a:
                // A list is taken as it is (transformers does not lower-case it).
                return a.Select(item => item is JsonValue iv && iv.TryGetValue(out string? t)
                    ? t
                    : throw new DebertaConfigException("pos_att_type", "pos_att_type list items must be strings.")).ToList();
            default:
                throw new DebertaConfigException("pos_att_type", "pos_att_type must be a string such as \"c2p|p2c\" or a list of strings.");
        }
    }

    private static ProblemType? GetProblemType(JsonObject o) => GetString(o, "problem_type") switch
    {
        null => null,
        "regression" => ProblemType.Regression,
        "single_label_classification" => ProblemType.SingleLabelClassification,
        "multi_label_classification" => ProblemType.MultiLabelClassification,
        var other => throw new DebertaConfigException("problem_type",
            $"problem_type '{other}' is not one of regression, single_label_classification, multi_label_classification."),
    };

    internal static string ProblemTypeName(ProblemType p) => p switch
    {
        ProblemType.Regression => "regression",
        ProblemType.SingleLabelClassification => "single_label_classification",
        ProblemType.MultiLabelClassification => "multi_label_classification",
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };

    private static ActivationFunction? GetActivation(JsonObject o, string key) => GetString(o, key) switch
    {
        null => null,
        "gelu" => ActivationFunction.Gelu,
        "gelu_new" => ActivationFunction.GeluNew,
        "relu" => ActivationFunction.Relu,
        "tanh" => ActivationFunction.Tanh,
        var other => throw new DebertaConfigException(key,
            $"{key} '{other}' is not a supported activation; supported: gelu, gelu_new, relu, tanh."),
    };

    internal static string ActivationName(ActivationFunction a) => a switch
    {
        ActivationFunction.Gelu => "gelu",
        ActivationFunction.GeluNew => "gelu_new",
        ActivationFunction.Relu => "relu",
        ActivationFunction.Tanh => "tanh",
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    private static string? GetString(JsonObject o, string key)
    {
        var node = o[key];
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue(out string? s)) return s;
        throw new DebertaConfigException(key, $"{key} must be a string, not {Describe(node)}.");
    }

    private static List<string>? GetStringList(JsonObject o, string key)
    {
        var node = o[key];
        if (node is null) return null;
        if (node is JsonArray a && a.All(x => x is JsonValue xv && xv.TryGetValue(out string? _)))
            return a.Select(x => x!.GetValue<string>()).ToList();
        throw new DebertaConfigException(key, $"{key} must be a list of strings, not {Describe(node)}.");
    }

    private static int? GetInt(JsonObject o, string key)
    {
        var node = o[key];
        if (node is null) return null;
        if (node is JsonValue v && TryGetInteger(v, out long value) && value >= int.MinValue && value <= int.MaxValue)
            return (int)value;
        throw new DebertaConfigException(key, $"{key} must be an integer, not {Describe(node)}.");
    }

    private static double? GetDouble(JsonObject o, string key)
    {
        var node = o[key];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
            return v.GetValue<double>();
        throw new DebertaConfigException(key, $"{key} must be a number, not {Describe(node)}.");
    }

    private static bool? GetBool(JsonObject o, string key)
    {
        var node = o[key];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            return v.GetValue<bool>();
        throw new DebertaConfigException(key, $"{key} must be true or false, not {Describe(node)}.");
    }

    private static bool TryGetInteger(JsonValue v, out long value)
    {
        value = 0;
        if (v.GetValueKind() != JsonValueKind.Number) return false;
        if (v.TryGetValue(out long l)) { value = l; return true; }
        // Python may write integral floats (768.0); accept them when they are whole.
        double d = v.GetValue<double>();
        if (Math.Abs(d) > long.MaxValue || d != Math.Floor(d)) return false;
        value = (long)d;
        return true;
    }

    private static string Describe(JsonNode node)
    {
        var text = node.ToJsonString();
        return text.Length > 40 ? new StringBuilder(text, 0, 40, 43).Append("...").ToString() : text;
    }
}
