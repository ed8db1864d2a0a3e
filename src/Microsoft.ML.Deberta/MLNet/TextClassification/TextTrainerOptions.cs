using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta;

/// <summary>
/// What <see cref="TextClassificationOptions"/> and <see cref="TextRegressionOptions"/> share: the columns, where the
/// model starts (a Hugging Face checkpoint folder, or a config and a tokenizer to train from scratch), how texts are
/// encoded, and the fine-tuning recipe (AdamW, linear warm-up then decay to 0, gradient clipping, mean loss).
/// </summary>
/// <remarks>
/// <para>Defaults suit fine-tuning a pre-trained checkpoint (<see cref="ModelFolder"/>): learning rate 3e-5, 3 epochs,
/// batch 16, 10% warm-up, weight decay 0.01, clipping at 1.0. A model trained from scratch (<see cref="Config"/>)
/// learns nothing useful at 3e-5: use about 1e-4 to 1e-3, more epochs, and a small config for small data.</para>
/// <para>Every setting is checked when the estimator is created; the folders are read when <c>Fit</c> starts, before any
/// row is read.</para>
/// </remarks>
public abstract class TextTrainerOptions
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
    /// A Hugging Face checkpoint folder to start from: <c>config.json</c>, weights (<c>model.safetensors</c> or
    /// <c>pytorch_model.bin</c>) and the tokenizer files (or set <see cref="TokenizerFolder"/>). A pre-trained backbone
    /// (a <c>…Model</c> or <c>…ForMaskedLM</c> checkpoint, or one naming no architecture) gets a new head; a
    /// <c>…ForSequenceClassification</c> checkpoint keeps its head when it fits the label (see <see cref="ReinitializeHead"/>).
    /// Set this or <see cref="Config"/>.
    /// </summary>
    public string? ModelFolder;

    /// <summary>A configuration to train a new model from scratch (random weights from the seed); needs <see cref="TokenizerFolder"/>. Set this or <see cref="ModelFolder"/>.</summary>
    public DebertaConfig? Config;

    /// <summary>The tokenizer folder: required with <see cref="Config"/>; with <see cref="ModelFolder"/> it replaces the folder's own tokenizer.</summary>
    public string? TokenizerFolder;

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

    /// <summary>Examples per optimizer step.</summary>
    public int BatchSize = 16;

    /// <summary>Passes over the training data.</summary>
    public int Epochs = 3;

    /// <summary>The peak learning rate (reached after warm-up, then decayed linearly to 0). 3e-5 suits pre-trained checkpoints; see the remarks for training from scratch.</summary>
    public double LearningRate = 3e-5;

    /// <summary>The fraction of the steps spent warming the learning rate up from 0.</summary>
    public double WarmupRatio = 0.1;

    /// <summary>Decoupled AdamW weight decay, never applied to biases and LayerNorm weights.</summary>
    public double WeightDecay = 0.01;

    /// <summary>Clip the global gradient norm to this value; 0 disables clipping.</summary>
    public double MaxGradientNorm = 1.0;

    /// <summary>The seed of weight initialisation, shuffling and dropout; null draws one from the MLContext's seed.</summary>
    public int? Seed;

    /// <summary>
    /// Rows scored after every epoch (macro-F1 for classification, RMSE for regression); the best epoch's weights are
    /// kept at the end. Must have the same columns and label type as the training data.
    /// </summary>
    public IDataView? ValidationSet;

    /// <summary>Stop after this many epochs without a validation improvement (0: never stop early). Needs <see cref="ValidationSet"/>.</summary>
    public int EarlyStoppingPatience;

    /// <summary>The smallest change of the validation metric that counts as an improvement.</summary>
    public double EarlyStoppingMinDelta;

    /// <summary>Receives progress reports: epoch, step, loss, learning rate, validation metric, elapsed time and an estimate of the time left.</summary>
    public IProgress<TrainingProgress>? Progress;

    /// <summary>Cancels <c>Fit</c> (reading the data or training): it throws <see cref="OperationCanceledException"/> and leaves no files behind.</summary>
    public CancellationToken CancellationToken;

    /// <summary>
    /// Ends training early without an error when signalled, e.g. by a time budget (unlike <see cref="CancellationToken"/>,
    /// which makes <c>Fit</c> throw): training stops after the current optimizer step and <c>Fit</c> returns a model with
    /// the best completed epoch's weights (by the validation metric), or the weights reached so far when no epoch
    /// completed or there is no validation set. At least one step is always taken.
    /// </summary>
    public CancellationToken StopTrainingToken;

    /// <summary>Rows per forward pass when the fitted model scores (<c>Transform</c>).</summary>
    public int InferenceBatchSize = 32;

    /// <summary>A private copy (config included), so later changes to these options do not affect an estimator.</summary>
    internal TextTrainerOptions Snapshot()
    {
        var copy = (TextTrainerOptions)MemberwiseClone();
        copy.Config = Config?.Clone();
        return copy;
    }
}
