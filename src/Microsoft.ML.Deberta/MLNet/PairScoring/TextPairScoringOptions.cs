using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta;

/// <summary>
/// Settings of <see cref="DebertaCatalog.TextPairScoring(TextPairScoringOptions)"/>: a cross-encoder (a sequence
/// classifier with one logit, e.g. a reranker or a guard model) scoring (query, passage) pairs.
/// </summary>
public sealed class TextPairScoringOptions
{
    /// <summary>A sequence-classification checkpoint folder with num_labels 1, with its tokenizer files. Required.</summary>
    public string ModelFolder = "";

    /// <summary>The tokenizer folder, when it is not <see cref="ModelFolder"/>.</summary>
    public string? TokenizerFolder;

    /// <summary>The first text of a pair (String), encoded as <c>[CLS] query [SEP] passage [SEP]</c>.</summary>
    public string QueryColumnName = "Query";

    /// <summary>The second text of a pair (String).</summary>
    public string PassageColumnName = "Passage";

    /// <summary>The score column (Single).</summary>
    public string ScoreColumnName = "Score";

    /// <summary>False: <c>Score</c> is the raw logit (what rerankers rank by). True: its sigmoid, a relevance probability in (0, 1).</summary>
    public bool Sigmoid;

    /// <summary>Tokens per pair; longer pairs are truncated, the longer text first (transformers' longest_first).</summary>
    public int MaxLength = 512;

    /// <summary>Pairs per forward pass.</summary>
    public int BatchSize = 32;

    /// <inheritdoc cref="TextEmbeddingOptions.InferencePrecision"/>
    public DebertaPrecision InferencePrecision = DebertaPrecision.Float32;

    internal TextPairScoringOptions Snapshot() => (TextPairScoringOptions)MemberwiseClone();
}
