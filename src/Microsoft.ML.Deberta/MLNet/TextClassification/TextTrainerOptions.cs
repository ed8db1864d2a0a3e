using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta;

/// <summary>
/// What <see cref="TextClassificationOptions"/> and <see cref="TextRegressionOptions"/> share: the columns, where the
/// model starts (a Hugging Face checkpoint folder, or a config and a tokenizer to train from scratch), how texts are
/// encoded, and the fine-tuning recipe (AdamW, linear warm-up then decay to 0, gradient clipping, mean loss).
/// </summary>
/// <remarks>
/// <para>Defaults suit fine-tuning a pre-trained checkpoint (<see cref="DebertaFineTuningOptions.ModelFolder"/>): learning rate 3e-5, 3 epochs,
/// batch 16, 10% warm-up, weight decay 0.01, clipping at 1.0. A model trained from scratch (<see cref="DebertaFineTuningOptions.Config"/>)
/// learns nothing useful at 3e-5: use about 1e-4 to 1e-3, more epochs, and a small config for small data.</para>
/// <para>A pre-trained backbone in <see cref="DebertaFineTuningOptions.ModelFolder"/> (a <c>…Model</c> or
/// <c>…ForMaskedLM</c> checkpoint, or one naming no architecture) gets a new head; a <c>…ForSequenceClassification</c>
/// checkpoint keeps its head when it fits the label (see <see cref="ReinitializeHead"/>). The
/// <see cref="DebertaFineTuningOptions.ValidationSet"/> is scored by macro-F1 for classification and RMSE for
/// regression, and must have the same columns and label type as the training data.</para>
/// <para>Every setting is checked when the estimator is created; the folders are read when <c>Fit</c> starts, before any
/// row is read.</para>
/// </remarks>
public abstract class TextTrainerOptions : DebertaEstimatorFineTuningOptions
{
    private protected TextTrainerOptions()
    {
    }

    /// <summary>The text column (String).</summary>
    public string TextColumnName = "Text";

    /// <summary>The second text column of a pair task (e.g. premise/hypothesis), encoded as <c>[CLS] A [SEP] B [SEP]</c>; null for one text.</summary>
    public string? TextPairColumnName;

    /// <summary>The label column.</summary>
    public string LabelColumnName = "Label";

    /// <summary>The output column of the scores.</summary>
    public string ScoreColumnName = "Score";

    /// <summary>
    /// Start with a new, randomly initialised head even when the checkpoint has one: needed when a
    /// sequence-classification checkpoint's labels (num_labels, id2label) do not fit the label column, or to reuse the
    /// encoder of a token-classification or question-answering checkpoint. Without it such mismatches are errors
    /// (transformers' <c>ignore_mismatched_sizes</c> would silently start a new head).
    /// </summary>
    public bool ReinitializeHead;

    /// <summary>Tokens per example, special tokens included (at most the model's <c>max_position_embeddings</c> when it uses absolute positions).</summary>
    public int MaxLength = 256;

    /// <summary>What happens to a text longer than <see cref="MaxLength"/>: truncation (default), head and tail, or sliding windows (scores averaged over the windows).</summary>
    public LongTextStrategy LongTextStrategy = LongTextStrategy.Truncate;

    /// <summary>Sliding windows: the number of tokens consecutive windows share; null for a quarter of <see cref="MaxLength"/> (less when the windows are smaller).</summary>
    public int? Stride;

    /// <summary>A private copy (config included), so later changes to these options do not affect an estimator.</summary>
    internal TextTrainerOptions Snapshot() => SnapshotAs<TextTrainerOptions>();
}
