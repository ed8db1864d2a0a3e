using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Fine-tunes a <see cref="DebertaForSequenceClassification"/> on pre-tokenized examples (tokenized once per data
/// set): per-epoch shuffle from the seed, padding per batch, AdamW with transformers' recipe, mean loss,
/// validation each epoch with best-epoch restore and early stopping, progress reports and cancellation.
/// </summary>
/// <remarks>
/// <para>The loss is the model's own (spec §6.2): cross-entropy over 0-based class targets, or mean squared error when
/// the head regresses one value (num_labels 1 or problem_type regression). Every window of a source row is a
/// training example with that row's target. An epoch has ⌈examples / batch size⌉ optimizer steps; the schedule warms
/// up over ⌈warm-up ratio × all steps⌉ steps and decays to 0 at the last planned step.</para>
/// <para>With a validation set, the metric is macro-F1 (classification; accuracy is logged too) or RMSE (regression),
/// computed on window-averaged logits after every epoch; the best epoch's weights are kept (CPU copies) and restored
/// at the end, and with a patience the run stops after that many epochs without an improvement larger than the
/// minimum delta.</para>
/// <para>Dropout masks come from a generator of the run's own, seeded with the seed, so a run is repeatable whatever
/// else runs meanwhile (another training on another thread included); TorchSharp's global generator is neither
/// reseeded nor drawn from. The model keeps its training/eval mode.</para>
/// </remarks>
public sealed class SequenceClassificationTrainer
{
    private readonly SequenceClassificationTrainingOptions _options;

    /// <summary>Creates a trainer with the given hyperparameters (validated here).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (batch size or epochs below 1, learning rate ≤ 0, ...).</exception>
    public SequenceClassificationTrainer(SequenceClassificationTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
    }

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
    /// <returns>Per-epoch summaries, the epoch whose weights the model holds, and whether the run stopped early.</returns>
    /// <exception cref="ArgumentException">Bad examples or targets (checked before training starts): an empty set, a
    /// target count that is not the number of source rows, a class outside [0, num_labels), a non-finite target, an
    /// empty or too long example.</exception>
    /// <exception cref="NotSupportedException">The head is multi-label (one target per label).</exception>
    /// <exception cref="InvalidOperationException">The loss or the gradient norm stopped being finite (the step that
    /// saw it is not applied).</exception>
    public TrainingResult Train(
        DebertaForSequenceClassification model,
        IReadOnlyList<EncodedExample> train, IReadOnlyList<float> trainTargets,
        IReadOnlyList<EncodedExample>? validation = null, IReadOnlyList<float>? validationTargets = null,
        IProgress<TrainingProgress>? progress = null, Action<string>? log = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(trainTargets);
        var task = SequenceClassificationTask.Of(model.Config);
        if (train.Count == 0 || trainTargets.Count == 0)
            throw new ArgumentException("The training set is empty.", train.Count == 0 ? nameof(train) : nameof(trainTargets));
        task.CheckTargets(trainTargets, nameof(trainTargets));
        EncodedExampleValidator.Check(model.Config, train, trainTargets.Count, nameof(train), nameof(trainTargets));
        if ((validation is null) != (validationTargets is null))
            throw new ArgumentException(
                "Give both validation examples and validation targets, or neither.", validation is null ? nameof(validation) : nameof(validationTargets));
        if (validation is not null)
        {
            if (validation.Count == 0 || validationTargets!.Count == 0)
                throw new ArgumentException("The validation set is empty; pass null for no validation.", nameof(validation));
            task.CheckTargets(validationTargets, nameof(validationTargets));
            EncodedExampleValidator.Check(model.Config, validation, validationTargets.Count, nameof(validation), nameof(validationTargets));
        }
        cancellationToken.ThrowIfCancellationRequested();

        var objective = new SequenceClassificationObjective(model, task, train, trainTargets, validation, validationTargets, _options.BatchSize);
        return new FineTuningLoop(_options, model, objective, progress, log, cancellationToken).Execute();
    }

    /// <summary>
    /// The order in which an epoch visits the examples: a Fisher–Yates shuffle of 0…count−1 with
    /// <c>new Random(seed + epoch − 1)</c>, so it depends on the seed and the (1-based) epoch alone.
    /// </summary>
    internal static int[] EpochOrder(int seed, int epoch, int count)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        var random = new Random(unchecked(seed + epoch - 1));
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
