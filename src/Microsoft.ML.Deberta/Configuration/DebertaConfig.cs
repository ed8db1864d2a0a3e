using System.Text.Json.Nodes;

namespace Microsoft.ML.Deberta.Configuration;

/// <summary>
/// The configuration of a DeBERTa model, as Hugging Face stores it in <c>config.json</c>:
/// <c>model_type "deberta"</c> (v1) or <c>"deberta-v2"</c> (v2 and v3).
/// </summary>
/// <remarks>
/// <para>Property names are the <c>config.json</c> keys in PascalCase (<c>hidden_act</c> → <see cref="HiddenAct"/>).
/// Defaults are transformers' defaults for the model type, so a config built in code and one read from a file
/// mean the same model. Fields transformers reads with <c>getattr</c> (such as <c>embedding_size</c> or
/// <c>position_buckets</c>) are written back only when they were set, and keys this class does not know are kept
/// in <see cref="ExtraFields"/>, so reading and writing a <c>config.json</c> keeps what it said.</para>
/// <para>The object is mutable so that a caller can adjust a loaded config (labels, dropout) before building a model;
/// <see cref="Validate"/> runs whenever a config is read, written or used to build a model.</para>
/// </remarks>
public sealed class DebertaConfig
{
    /// <summary>The <c>model_type</c> of DeBERTa v1.</summary>
    public const string V1ModelType = "deberta";

    /// <summary>The <c>model_type</c> of DeBERTa v2 and v3.</summary>
    public const string V2ModelType = "deberta-v2";

    private Dictionary<int, string> id2Label = new();
    private Dictionary<string, int> label2Id = new(StringComparer.Ordinal);
    private IList<string> posAttType = new List<string>();
    private IList<string> architectures = new List<string>();
    private JsonObject extraFields = new();

    /// <summary>Creates a config with transformers' defaults for the given architecture.</summary>
    /// <param name="version">v1 (<c>DebertaConfig</c> defaults: deberta-base sizes) or v2 (<c>DebertaV2Config</c> defaults: 1536 wide, 24 layers).</param>
    public DebertaConfig(DebertaVersion version = DebertaVersion.V1)
    {
        Version = version;
        bool v2 = version == DebertaVersion.V2;
        VocabSize = v2 ? 128100 : 50265;
        HiddenSize = v2 ? 1536 : 768;
        NumHiddenLayers = v2 ? 24 : 12;
        NumAttentionHeads = v2 ? 24 : 12;
        IntermediateSize = v2 ? 6144 : 3072;
        NumLabels = 2;
    }

    /// <summary>Which architecture the config describes.</summary>
    public DebertaVersion Version { get; }

    /// <summary><c>model_type</c>: <c>"deberta"</c> or <c>"deberta-v2"</c>.</summary>
    public string ModelType => Version == DebertaVersion.V2 ? V2ModelType : V1ModelType;

    /// <summary><c>vocab_size</c>: rows of the word embedding table and of the masked-LM logits.</summary>
    public int VocabSize { get; set; }

    /// <summary><c>hidden_size</c>: the model width.</summary>
    public int HiddenSize { get; set; }

    /// <summary><c>num_hidden_layers</c>.</summary>
    public int NumHiddenLayers { get; set; }

    /// <summary><c>num_attention_heads</c>.</summary>
    public int NumAttentionHeads { get; set; }

    /// <summary><c>intermediate_size</c>: the feed-forward width.</summary>
    public int IntermediateSize { get; set; }

    /// <summary><c>hidden_act</c>: the feed-forward and LM-head activation.</summary>
    public ActivationFunction HiddenAct { get; set; } = ActivationFunction.Gelu;

    /// <summary><c>hidden_dropout_prob</c>: dropout everywhere except on attention probabilities.</summary>
    public double HiddenDropoutProb { get; set; } = 0.1;

    /// <summary><c>attention_probs_dropout_prob</c>.</summary>
    public double AttentionProbsDropoutProb { get; set; } = 0.1;

    /// <summary><c>max_position_embeddings</c>: size of the absolute position table; default for <see cref="MaxRelativePositions"/>.</summary>
    public int MaxPositionEmbeddings { get; set; } = 512;

    /// <summary><c>type_vocab_size</c>: 0 means no token-type embedding (token type ids are then ignored).</summary>
    public int TypeVocabSize { get; set; }

    /// <summary><c>initializer_range</c>: the standard deviation of newly initialised weights.</summary>
    public double InitializerRange { get; set; } = 0.02;

    /// <summary><c>layer_norm_eps</c>: epsilon of every LayerNorm, heads included.</summary>
    public double LayerNormEps { get; set; } = 1e-7;

    /// <summary><c>relative_attention</c>: whether the disentangled relative-position terms are used.</summary>
    public bool RelativeAttention { get; set; }

    /// <summary><c>max_relative_positions</c> as written; a value below 1 means <see cref="MaxPositionEmbeddings"/> (see <see cref="EffectiveMaxRelativePositions"/>).</summary>
    public int MaxRelativePositions { get; set; } = -1;

    /// <summary><c>pad_token_id</c>: the padding row of the word embeddings (affects initialisation and gradients only).</summary>
    public int? PadTokenId { get; set; } = 0;

    /// <summary><c>position_biased_input</c>: whether absolute position embeddings are added to the input.</summary>
    public bool PositionBiasedInput { get; set; } = true;

    /// <summary><c>pos_att_type</c> as a list (<c>"c2p|p2c"</c> in a file becomes <c>["c2p", "p2c"]</c>); empty when the file has none.</summary>
    public IList<string> PosAttType
    {
        get => posAttType;
        set => posAttType = value ?? new List<string>();
    }

    /// <summary><c>pooler_dropout</c>: dropout before the pooler's dense layer.</summary>
    public double PoolerDropout { get; set; }

    /// <summary><c>pooler_hidden_act</c>.</summary>
    public ActivationFunction PoolerHiddenAct { get; set; } = ActivationFunction.Gelu;

    /// <summary><c>pooler_hidden_size</c>; transformers derives it from <see cref="HiddenSize"/>, and it must equal it.</summary>
    public int? PoolerHiddenSize { get; set; }

    /// <summary>
    /// <c>legacy</c>: which masked-LM head a fresh model gets. True: the BERT-style <c>cls.predictions.*</c> head;
    /// false: DeBERTa's own <c>lm_predictions.lm_head.*</c> head, the one Microsoft's checkpoints hold.
    /// When a checkpoint holds one of the two, the loader uses that one.
    /// </summary>
    public bool Legacy { get; set; } = true;

    /// <summary><c>bos_token_id</c> (unused by the model).</summary>
    public int? BosTokenId { get; set; }

    /// <summary><c>eos_token_id</c> (unused by the model).</summary>
    public int? EosTokenId { get; set; }

    /// <summary><c>tie_word_embeddings</c>: the masked-LM decoder uses the word embeddings. Only true is supported.</summary>
    public bool TieWordEmbeddings { get; set; } = true;

    /// <summary><c>embedding_size</c>: width of the embedding tables; null means <see cref="HiddenSize"/>. When it differs an <c>embed_proj</c> layer is added.</summary>
    public int? EmbeddingSize { get; set; }

    /// <summary><c>talking_head</c> (v1 only): head-mixing projections before and after the softmax.</summary>
    public bool? TalkingHead { get; set; }

    /// <summary><c>attention_head_size</c> (v2 only); null means hidden_size / num_attention_heads.</summary>
    public int? AttentionHeadSize { get; set; }

    /// <summary><c>position_buckets</c> (v2 only): log-bucketed relative positions with this many buckets per side when positive; null means -1 (off).</summary>
    public int? PositionBuckets { get; set; }

    /// <summary><c>share_att_key</c> (v2 only): project relative embeddings with the query/key projections; null means false.</summary>
    public bool? ShareAttKey { get; set; }

    /// <summary><c>norm_rel_ebd</c> (v2 only): <c>"layer_norm"</c> normalises the relative-embedding table; null means <c>"none"</c>.</summary>
    public string? NormRelEbd { get; set; }

    /// <summary><c>conv_kernel_size</c> (v2 only): when positive a convolution layer follows layer 0; null means 0.</summary>
    public int? ConvKernelSize { get; set; }

    /// <summary><c>conv_act</c> (v2 only); null means tanh.</summary>
    public ActivationFunction? ConvAct { get; set; }

    /// <summary><c>conv_groups</c> (v2 only); null means 1.</summary>
    public int? ConvGroups { get; set; }

    /// <summary><c>cls_dropout</c>: dropout between pooler and classifier; null means <see cref="HiddenDropoutProb"/>.</summary>
    public double? ClsDropout { get; set; }

    /// <summary><c>problem_type</c> of a sequence-classification head; null lets transformers' rules decide.</summary>
    public ProblemType? ProblemType { get; set; }

    /// <summary><c>architectures</c>: the transformers class names the checkpoint was saved from.</summary>
    public IList<string> Architectures
    {
        get => architectures;
        set => architectures = value ?? new List<string>();
    }

    /// <summary>
    /// <c>num_labels</c>: outputs of a classification head. Setting a different count replaces the labels by
    /// <c>LABEL_0</c>…; use <see cref="SetLabels"/> to name them.
    /// </summary>
    public int NumLabels
    {
        get => id2Label.Count;
        set
        {
            if (value < 1)
                throw new DebertaConfigException("num_labels", $"num_labels must be at least 1, not {value}.");
            if (value != id2Label.Count)
                SetLabels(Enumerable.Range(0, value).Select(i => $"LABEL_{i}").ToList());
        }
    }

    /// <summary><c>id2label</c>: label names by class index (0 … <see cref="NumLabels"/> − 1).</summary>
    public IReadOnlyDictionary<int, string> Id2Label => id2Label;

    /// <summary><c>label2id</c>: class index by label name, as the file states it.</summary>
    public IReadOnlyDictionary<string, int> Label2Id => label2Id;

    /// <summary>Keys of <c>config.json</c> that this class does not model (e.g. <c>transformers_version</c>); written back unchanged.</summary>
    public JsonObject ExtraFields
    {
        get => extraFields;
        set => extraFields = value ?? new JsonObject();
    }

    /// <summary>Width E of the embedding tables: <see cref="EmbeddingSize"/> or <see cref="HiddenSize"/>.</summary>
    public int EffectiveEmbeddingSize => EmbeddingSize ?? HiddenSize;

    /// <summary>The relative distance limit M: <see cref="MaxRelativePositions"/>, or <see cref="MaxPositionEmbeddings"/> when that is below 1.</summary>
    public int EffectiveMaxRelativePositions => MaxRelativePositions < 1 ? MaxPositionEmbeddings : MaxRelativePositions;

    /// <summary>Head dimension d: <see cref="AttentionHeadSize"/> (v2 only) or hidden_size / num_attention_heads.</summary>
    public int EffectiveAttentionHeadSize =>
        Version == DebertaVersion.V2 && AttentionHeadSize is int d ? d : HiddenSize / Math.Max(1, NumAttentionHeads);

    /// <summary>Dropout between pooler and classifier: <see cref="ClsDropout"/> or <see cref="HiddenDropoutProb"/>.</summary>
    public double EffectiveClsDropout => ClsDropout ?? HiddenDropoutProb;

    /// <summary>Whether the v2 relative-embedding table is layer-normalised (<c>norm_rel_ebd</c> contains <c>layer_norm</c>).</summary>
    public bool NormalizesRelativeEmbeddings =>
        Version == DebertaVersion.V2 && SplitBars(NormRelEbd ?? "none").Contains("layer_norm");

    /// <summary>Names the labels: sets <c>id2label</c>, <c>label2id</c> and therefore <see cref="NumLabels"/>.</summary>
    /// <param name="names">Label names in class-index order; they must be distinct.</param>
    public void SetLabels(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count < 1)
            throw new DebertaConfigException("id2label", "A config needs at least one label.");
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] is null || !byName.TryAdd(names[i], i))
                throw new DebertaConfigException("id2label", $"Label {i} ('{names[i]}') is null or repeats an earlier label.");
        }
        id2Label = names.Select((n, i) => (n, i)).ToDictionary(p => p.i, p => p.n);
        label2Id = byName;
    }

    /// <summary>Sets the labels exactly as a file states them (the two maps need not mirror each other).</summary>
    internal void SetLabelMaps(Dictionary<int, string> id2label, Dictionary<string, int> label2id)
    {
        id2Label = id2label;
        label2Id = label2id;
    }

    /// <summary>Reads a config from a <c>config.json</c> file, or from the <c>config.json</c> inside a folder.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="DebertaConfigException">The file is not a valid DeBERTa config; the exception names the field.</exception>
    public static DebertaConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var file = Directory.Exists(path) ? Path.Combine(path, "config.json") : path;
        if (!File.Exists(file))
            throw new FileNotFoundException($"DeBERTa config '{file}' does not exist.", file);
        try
        {
            return DebertaConfigJson.Parse(File.ReadAllText(file));
        }
        catch (DebertaConfigException e)
        {
            throw new DebertaConfigException(e.FieldName, $"{file}: {e.Message}");
        }
    }

    /// <summary>Parses the text of a <c>config.json</c>.</summary>
    /// <exception cref="DebertaConfigException">The text is not a valid DeBERTa config; the exception names the field.</exception>
    public static DebertaConfig FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return DebertaConfigJson.Parse(json);
    }

    /// <summary>The config as <c>config.json</c> text (sorted keys, two-space indent), which transformers can load.</summary>
    public string ToJson()
    {
        Validate();
        return DebertaConfigJson.Write(this);
    }

    /// <summary>Writes <c>config.json</c> into a folder (created if needed), atomically.</summary>
    /// <returns>The path of the written file.</returns>
    public string Save(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var json = ToJson();
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "config.json");
        var temp = file + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            File.WriteAllText(temp, json);
            File.Move(temp, file, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return file;
    }

    /// <summary>A deep copy.</summary>
    public DebertaConfig Clone() => DebertaConfigJson.Parse(DebertaConfigJson.Write(this));

    /// <summary>Checks that the config describes a model that can be built.</summary>
    /// <exception cref="DebertaConfigException">A value is out of range or sizes disagree; the exception names the field.</exception>
    public void Validate() => DebertaConfigValidator.Validate(this);

    internal static List<string> SplitBars(string value) =>
        value.ToLowerInvariant().Split('|').Select(s => s.Trim()).ToList();
}
