using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta;

/// <summary>
/// Settings of <see cref="DebertaCatalog.FillMask(FillMaskOptions)"/>: propose words for the mask token(s) of each text
/// with a masked-LM checkpoint, by transformers' <c>fill-mask</c> rules.
/// </summary>
public sealed class FillMaskOptions
{
    /// <summary>A checkpoint folder with a trained masked-LM head (e.g. microsoft/deberta-v3-base) and its tokenizer files. Required.</summary>
    public string ModelFolder = "";

    /// <summary>The tokenizer folder, when it is not <see cref="ModelFolder"/>.</summary>
    public string? TokenizerFolder;

    /// <summary>The text column (String); every text must hold the tokenizer's mask token (<c>[MASK]</c>) at least once.</summary>
    public string TextColumnName = "Text";

    /// <summary>Propositions per mask (transformers' top_k; capped at the number of <see cref="Targets"/>).</summary>
    public int TopK = 5;

    /// <summary>
    /// When set, only these words are proposed, scored by their whole-vocabulary probability (transformers' targets; a
    /// word outside the vocabulary is replaced by its first token, with a warning in the MLContext log).
    /// </summary>
    public string[]? Targets;

    /// <summary>Tokens per text; a longer text is cut, and a mask beyond the cut is an error.</summary>
    public int MaxLength = 512;

    /// <summary>Texts per forward pass.</summary>
    public int BatchSize = 32;

    /// <inheritdoc cref="TextEmbeddingOptions.InferencePrecision"/>
    public DebertaPrecision InferencePrecision = DebertaPrecision.Float32;

    /// <summary>The proposed tokens: Vector&lt;Text&gt; of masks × top_k (mask by mask, best first).</summary>
    public string TokensColumnName = "Tokens";

    /// <summary>Their probabilities: Vector&lt;Single&gt;, aligned with <see cref="TokensColumnName"/>.</summary>
    public string ScoreColumnName = "Score";

    /// <summary>The text with the mask filled by each proposition: Vector&lt;Text&gt;, aligned.</summary>
    public string SequencesColumnName = "Sequences";

    /// <summary>The proposed token ids: Vector&lt;Int32&gt;, aligned.</summary>
    public string TokenIdsColumnName = "TokenIds";

    internal FillMaskOptions Snapshot()
    {
        var copy = (FillMaskOptions)MemberwiseClone();
        copy.Targets = Targets is null ? null : [.. Targets];
        return copy;
    }
}
