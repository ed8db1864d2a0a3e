using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta;

/// <summary>
/// What every DeBERTa trainer's options share: where the model starts (a Hugging Face checkpoint folder, or a config
/// and a tokenizer to train from scratch) and the training recipe (AdamW, linear warm-up then decay to 0, gradient
/// clipping), a validation set, progress reports and cancellation.
/// </summary>
/// <remarks>
/// <para>The recipe's defaults (batch 16, 3 epochs, learning rate 3e-5, 10% warm-up, weight decay 0.01, clipping at
/// 1.0) are those of fine-tuning a pre-trained checkpoint; a task whose usual recipe differs sets its own defaults
/// (see its options). A model trained from scratch (<see cref="Config"/>) needs a larger learning rate (about 1e-4 to
/// 1e-3) and a small config for small data.</para>
/// <para>Every setting is checked when the estimator or trainer is created, so a bad value fails at once with its name.</para>
/// </remarks>
public abstract class DebertaFineTuningOptions
{
    private protected DebertaFineTuningOptions()
    {
    }

    /// <summary>
    /// A Hugging Face checkpoint folder to start from: <c>config.json</c>, weights (<c>model.safetensors</c> or
    /// <c>pytorch_model.bin</c>) and the tokenizer files (or set <see cref="TokenizerFolder"/>). Which of the
    /// checkpoint's heads is kept depends on the task (see the task's options). Set this or <see cref="Config"/>.
    /// </summary>
    public string? ModelFolder;

    /// <summary>A configuration to train a new model from scratch (random weights from the seed); needs <see cref="TokenizerFolder"/>. Set this or <see cref="ModelFolder"/>.</summary>
    public DebertaConfig? Config;

    /// <summary>The tokenizer folder: required with <see cref="Config"/>; with <see cref="ModelFolder"/> it replaces the folder's own tokenizer.</summary>
    public string? TokenizerFolder;

    /// <summary>Examples (sequences, or windows of long texts) per optimizer step.</summary>
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

    /// <summary>The seed of weight initialisation, shuffling, dropout (and masks, for masked-LM training); null draws one from the MLContext's seed.</summary>
    public int? Seed;

    /// <summary>
    /// Held-out rows with the same columns as the training data, scored after every epoch by the task's metric (see the
    /// task's options); the best epoch's weights are kept at the end.
    /// </summary>
    public IDataView? ValidationSet;

    /// <summary>Receives progress reports: epoch, step, loss, learning rate, validation metric, elapsed time and an estimate of the time left.</summary>
    public IProgress<TrainingProgress>? Progress;

    /// <summary>Cancels <c>Fit</c> (reading the data or training): it throws <see cref="OperationCanceledException"/> and leaves no files behind.</summary>
    public CancellationToken CancellationToken;

    /// <summary>A private copy (config included), so later changes to these options do not affect an estimator or trainer.</summary>
    private protected T SnapshotAs<T>() where T : DebertaFineTuningOptions
    {
        var copy = (T)MemberwiseClone();
        copy.Config = Config?.Clone();
        return copy;
    }
}
