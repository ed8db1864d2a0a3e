using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta;

/// <summary>
/// Settings of <see cref="DebertaCatalog.TextEmbedding(TextEmbeddingOptions)"/>: a DeBERTa checkpoint's last layer,
/// pooled into one <c>Vector&lt;Single&gt;</c> of hidden_size values per row.
/// </summary>
public sealed class TextEmbeddingOptions
{
    /// <summary>A Hugging Face checkpoint folder (any head: only the backbone is used) with its tokenizer files. Required.</summary>
    public string ModelFolder = "";

    /// <summary>The tokenizer folder, when it is not <see cref="ModelFolder"/>.</summary>
    public string? TokenizerFolder;

    /// <summary>The text column (String).</summary>
    public string TextColumnName = "Text";

    /// <summary>A second text column: the pair is embedded together as <c>[CLS] A [SEP] B [SEP]</c>; null for one text.</summary>
    public string? TextPairColumnName;

    /// <summary>The added vector column.</summary>
    public string OutputColumnName = "Features";

    /// <summary>How token vectors become one vector.</summary>
    public EmbeddingPooling Pooling = EmbeddingPooling.Mean;

    /// <summary>Scale every vector to unit L2 norm (for cosine similarity by dot product).</summary>
    public bool Normalize;

    /// <summary>Tokens per window, special tokens included.</summary>
    public int MaxLength = 512;

    /// <summary>Longer texts: <see cref="LongTextStrategy.SlidingWindows"/> (default) embeds every window and averages them; the others cut the text.</summary>
    public LongTextStrategy LongTextStrategy = LongTextStrategy.SlidingWindows;

    /// <summary>Tokens consecutive windows share; null for a quarter of <see cref="MaxLength"/>.</summary>
    public int? Stride;

    /// <summary>Rows per forward pass.</summary>
    public int BatchSize = 32;

    /// <summary>
    /// The precision the model scores in, saved with it: <see cref="DebertaPrecision.BFloat16"/> converts the checkpoint
    /// for bfloat16 inference when it loads (see <see cref="DebertaPreTrainedModel.ConvertForInference"/>): scores move
    /// by bfloat16 rounding, and it is faster only on CPUs whose bfloat16 products are
    /// (bench/Microsoft.ML.Deberta.Bench/README.md). Default Float32.
    /// </summary>
    public DebertaPrecision InferencePrecision = DebertaPrecision.Float32;

    internal TextEmbeddingOptions Snapshot() => (TextEmbeddingOptions)MemberwiseClone();
}
