using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>What a head's fine-tuning adds to <see cref="FineTuningLoop"/>: its examples, loss and validation metric.</summary>
internal interface IFineTuningObjective
{
    /// <summary>Number of training examples (windows); an epoch visits each once.</summary>
    int ExampleCount { get; }

    /// <summary>The validation metric's name, or null when there is no validation set.</summary>
    string? MetricName { get; }

    /// <summary>The mean loss of a batch of examples (forward pass with labels, in the caller's dispose scope).</summary>
    Tensor Loss(ReadOnlySpan<int> indices, Device device);

    /// <summary>Scores the validation set (eval mode, no gradients): the metric, and an accuracy to log when there is one.</summary>
    (double Metric, double? Accuracy) Validate(CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="metric"/> beats <paramref name="best"/> by more than <paramref name="minDelta"/>.</summary>
    bool IsImprovement(double metric, double? best, double minDelta);
}
