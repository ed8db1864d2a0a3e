using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// What one head brings to the shared fine-tuning loop (<see cref="FineTuningLoop"/>): the loss of a batch of its
/// training examples and its validation metric. The loop owns everything else (epochs, shuffles, optimizer, schedule,
/// clipping, best-epoch restore, early stopping, progress, cancellation).
/// </summary>
internal interface IFineTuningObjective
{
    /// <summary>Training examples (windows) per epoch.</summary>
    int ExampleCount { get; }

    /// <summary>Whether a validation set was given.</summary>
    bool HasValidation { get; }

    /// <summary>The validation metric's name, as logs and progress reports show it.</summary>
    string MetricName { get; }

    /// <summary>The model's loss on the examples at <paramref name="indices"/> (a scalar in the caller's dispose scope).</summary>
    Tensor Loss(ReadOnlySpan<int> indices);

    /// <summary>Scores the validation set: the metric, and optionally a second figure for the log ("accuracy 0.9").</summary>
    (double Metric, string? Detail) Validate(int batchSize, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="metric"/> beats <paramref name="best"/> by more than <paramref name="minDelta"/>.</summary>
    bool IsImprovement(double metric, double? best, double minDelta);
}
