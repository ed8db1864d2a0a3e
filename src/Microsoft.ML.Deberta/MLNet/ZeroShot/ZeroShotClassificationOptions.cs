using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta;

/// <summary>
/// Settings of <see cref="DebertaCatalog.ZeroShotClassification(ZeroShotClassificationOptions)"/>: classify texts into
/// labels chosen now, with an NLI checkpoint and no training, by transformers' <c>zero-shot-classification</c> rules.
/// </summary>
public sealed class ZeroShotClassificationOptions
{
    /// <summary>
    /// An NLI sequence-classification checkpoint folder (e.g. a DeBERTa-v3 MNLI model) with its tokenizer files; its
    /// config's label2id must name an entailment label (one starting with "entail"). Required.
    /// </summary>
    public string ModelFolder = "";

    /// <summary>The tokenizer folder, when it is not <see cref="ModelFolder"/>.</summary>
    public string? TokenizerFolder;

    /// <summary>The text column (String): each text is the premise.</summary>
    public string TextColumnName = "Text";

    /// <summary>
    /// The labels to choose from, in the order of <c>Score</c>'s slots and <c>PredictedLabel</c>'s key values. Set this or
    /// <see cref="CandidateLabelsColumnName"/>.
    /// </summary>
    public string[] CandidateLabels = [];

    /// <summary>
    /// A text column holding each row's own candidate labels, separated by commas (e.g. <c>"sports, politics"</c>), as
    /// transformers accepts them. The outputs then vary per row: <c>Labels</c> (Vector&lt;Text&gt;), <c>Score</c>
    /// (Vector&lt;Single&gt;, aligned) and <c>PredictedLabel</c> (Text). Set this or <see cref="CandidateLabels"/>.
    /// </summary>
    public string? CandidateLabelsColumnName;

    /// <summary>With <see cref="CandidateLabelsColumnName"/>: the output column of each row's labels, aligned with <c>Score</c>.</summary>
    public string LabelsColumnName = "Labels";

    /// <summary>The hypothesis made from each label: <c>{}</c> is replaced by the label.</summary>
    public string HypothesisTemplate = "This example is {}.";

    /// <summary>
    /// False: the labels compete, <c>Score</c> is a softmax of their entailment logits (sums to 1). True: each label is
    /// scored on its own (softmax of its contradiction and entailment logits). One candidate label is always scored on its own.
    /// </summary>
    public bool MultiLabel;

    /// <summary>Tokens per premise + hypothesis pair; a longer premise is truncated.</summary>
    public int MaxLength = 512;

    /// <summary>Text × label pairs per forward pass.</summary>
    public int BatchSize = 32;

    /// <inheritdoc cref="TextEmbeddingOptions.InferencePrecision"/>
    public DebertaPrecision InferencePrecision = DebertaPrecision.Float32;

    /// <summary>The score column: a <c>Vector&lt;Single&gt;</c>, one value per candidate label (slot names = labels).</summary>
    public string ScoreColumnName = "Score";

    /// <summary>The predicted label: a key whose values are the candidate labels (use <c>MapKeyToValue</c> for the text).</summary>
    public string PredictedLabelColumnName = "PredictedLabel";

    internal ZeroShotClassificationOptions Snapshot()
    {
        var copy = (ZeroShotClassificationOptions)MemberwiseClone();
        copy.CandidateLabels = CandidateLabels is null ? [] : [.. CandidateLabels];
        return copy;
    }
}
