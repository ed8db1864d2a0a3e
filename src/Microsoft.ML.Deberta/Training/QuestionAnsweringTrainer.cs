using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.QuestionAnswering;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Fine-tunes a <see cref="DebertaForQuestionAnswering"/> on run_qa.py's labelled windows with the classification
/// trainer's recipe (<see cref="FineTuningLoop"/>: seeded shuffles, AdamW groups, warm-up and decay, clipping,
/// best-epoch restore, early stopping, progress, stop requests, cancellation). With validation rows, the metric is the
/// SQuAD script's F1 (percent) of the pipeline's top answer, computed after every epoch; exact match is logged beside it.
/// </summary>
internal sealed class QuestionAnsweringTrainer
{
    private readonly SequenceClassificationTrainingOptions _options;

    /// <summary>Creates a trainer with the given hyperparameters (validated here).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public QuestionAnsweringTrainer(SequenceClassificationTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
    }

    /// <summary>Trains the model in place.</summary>
    /// <param name="model">The model.</param>
    /// <param name="train">Labelled windows (<see cref="QuestionAnsweringFeatureBuilder.Build"/>).</param>
    /// <param name="validation">Optional held-out rows, already encoded.</param>
    /// <param name="progress">Optional progress sink.</param>
    /// <param name="log">Optional log sink (one line per epoch).</param>
    /// <param name="cancellationToken">Cancels the run (throws <see cref="OperationCanceledException"/>).</param>
    /// <exception cref="ArgumentException">No training window, or a window the model cannot take (too long, ids outside
    /// the vocabulary), checked before training starts.</exception>
    public TrainingResult Train(
        DebertaForQuestionAnswering model, IReadOnlyList<QuestionAnsweringTrainingFeature> train, QuestionAnsweringValidationSet? validation = null,
        IProgress<TrainingProgress>? progress = null, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0)
            throw new ArgumentException("There are no training windows: give at least one row with a question and a context.", nameof(train));
        var objective = new QuestionAnsweringObjective(model, train, validation);
        EncodedExampleValidator.Check(model.Config, objective.Examples, objective.ExampleCount, nameof(train), "the number of windows");
        if (validation is not null)
        {
            var windows = validation.Windows.Select((w, i) => TokenLevelPredictor.Unpadded(w, i)).ToList();
            EncodedExampleValidator.Check(model.Config, windows, windows.Count, nameof(validation), "the number of validation windows");
        }
        cancellationToken.ThrowIfCancellationRequested();
        return new FineTuningLoop(_options, model, objective, progress, log, cancellationToken).Execute();
    }
}
