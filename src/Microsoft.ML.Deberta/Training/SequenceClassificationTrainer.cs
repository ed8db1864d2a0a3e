using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Fine-tunes a <see cref="DebertaForSequenceClassification"/> on pre-tokenized examples (tokenized once per data
/// set): per-epoch shuffle from the seed, padding per batch, AdamW with transformers' recipe, mean loss,
/// validation each epoch with best-epoch restore and early stopping, progress reports and cancellation.
/// </summary>
public sealed class SequenceClassificationTrainer
{
    /// <summary>Creates a trainer with the given hyperparameters (validated here).</summary>
    public SequenceClassificationTrainer(SequenceClassificationTrainingOptions options) => throw new NotImplementedException();

    /// <summary>
    /// Trains the model in place.
    /// </summary>
    /// <param name="model">The model; its config's problem type / num_labels decide the loss (spec §6.2).</param>
    /// <param name="train">Training examples; windows of one row share a SourceIndex.</param>
    /// <param name="trainTargets">Per source row: the 0-based class index (classification) or the target value (regression).</param>
    /// <param name="validation">Optional validation examples.</param>
    /// <param name="validationTargets">Targets of the validation rows.</param>
    /// <param name="progress">Optional progress sink.</param>
    /// <param name="log">Optional log sink (one line per epoch).</param>
    /// <param name="cancellationToken">Cancels the run: throws <see cref="OperationCanceledException"/>; the model is left at its last completed step.</param>
    public TrainingResult Train(
        DebertaForSequenceClassification model,
        IReadOnlyList<EncodedExample> train, IReadOnlyList<float> trainTargets,
        IReadOnlyList<EncodedExample>? validation = null, IReadOnlyList<float>? validationTargets = null,
        IProgress<TrainingProgress>? progress = null, Action<string>? log = null,
        CancellationToken cancellationToken = default) => throw new NotImplementedException();
}
