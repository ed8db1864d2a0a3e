using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// One fine-tuning run, whatever the head: per-epoch shuffle from the seed (<see cref="SequenceClassificationTrainer.EpochOrder"/>),
/// AdamW with transformers' recipe (<see cref="FineTuningOptimizer"/>, linear warm-up then decay, clipping), the
/// objective's loss per batch, validation after every epoch with best-epoch restore and early stopping, progress
/// reports, a stop token and cancellation. What is task-specific (batches, labels, loss, metric) comes from the
/// <see cref="IFineTuningObjective"/>; the sequence-classification and token-classification trainers share this loop.
/// </summary>
internal sealed class FineTuningLoop(
    SequenceClassificationTrainingOptions options, DebertaPreTrainedModel model, IFineTuningObjective objective,
    IProgress<TrainingProgress>? progress, Action<string>? log, CancellationToken cancellationToken)
{
    private readonly Stopwatch _clock = new();
    private int _stepsDone;
    private int _totalSteps;
    private double _lossSinceReport;
    private int _stepsSinceReport;
    private double _lastLearningRate;

    public TrainingResult Execute()
    {
        int examples = objective.ExampleCount;
        int stepsPerEpoch = (examples + options.BatchSize - 1) / options.BatchSize;
        _totalSteps = checked(options.Epochs * stepsPerEpoch);
        var schedule = new LinearWarmupDecaySchedule(
            options.LearningRate, LinearWarmupDecaySchedule.WarmupStepsFromRatio(options.WarmupRatio, _totalSteps), _totalSteps);
        var device = SequenceClassificationPredictor.ModelDevice(model);

        var epochs = new List<EpochSummary>();
        ParameterSnapshot? best = null;
        double? bestMetric = null;
        int bestEpoch = 0, epochsWithoutImprovement = 0;
        bool stoppedEarly = false, stoppedOnRequest = false, movedPastLastEpoch = false;
        bool wasTraining = model.training;
        using var dropoutGenerator = new Generator(unchecked((ulong)options.Seed));
        var previousGenerator = model.DropoutGenerator;
        model.DropoutGenerator = dropoutGenerator;
        _clock.Start();
        try
        {
            using var optimizer = new FineTuningOptimizer(model.named_parameters(), schedule, options.WeightDecay, options.MaxGradNorm);
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                var epochStart = _clock.Elapsed;
                var order = SequenceClassificationTrainer.EpochOrder(options.Seed, epoch, examples);
                model.train();
                double epochLoss = 0;
                int seen = 0;
                bool partial = false;
                for (int start = 0; start < examples; start += options.BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // A stop request ends the run between steps, but only once there is a step to keep.
                    if (options.StopToken.IsCancellationRequested && _stepsDone > 0)
                    {
                        partial = true;
                        break;
                    }
                    var indices = order.AsSpan(start, Math.Min(options.BatchSize, examples - start));
                    double loss = Step(optimizer, indices, device, epoch);
                    epochLoss += loss * indices.Length;
                    seen += indices.Length;
                    _lossSinceReport += loss;
                    _stepsSinceReport++;
                    _stepsDone++;
                    bool lastOfEpoch = start + options.BatchSize >= examples;
                    if (!lastOfEpoch && _stepsDone % options.ProgressInterval == 0)
                        Report(epoch, null, null);
                }
                optimizer.ZeroGrad();
                // With completed epochs to fall back on, a partial epoch is dropped when validation can pick the
                // best (its weights are restored below) or when it took no step; otherwise it counts as an epoch.
                if (partial && epochs.Count > 0 && (seen == 0 || objective.MetricName is not null))
                {
                    stoppedOnRequest = true;
                    movedPastLastEpoch = seen > 0;
                    log?.Invoke($"Stopped on request during epoch {epoch}/{options.Epochs}.");
                    break;
                }
                epochLoss /= seen;

                string? metricName = null;
                double? metric = null, accuracy = null;
                bool improved = false;
                if (objective.MetricName is not null)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    (double value, accuracy) = objective.Validate(cancellationToken);
                    metricName = objective.MetricName;
                    metric = value;
                    improved = objective.IsImprovement(value, bestMetric, options.EarlyStoppingMinDelta);
                    if (improved)
                    {
                        bestMetric = value;
                        bestEpoch = epoch;
                        epochsWithoutImprovement = 0;
                        best?.Dispose();
                        best = null;
                        // The last epoch's weights are already in the model: copy only when another epoch may follow.
                        if (epoch < options.Epochs)
                            best = ParameterSnapshot.Capture(model);
                    }
                    else
                    {
                        epochsWithoutImprovement++;
                    }
                }
                else
                {
                    bestEpoch = epoch;
                }

                var summary = new EpochSummary(epoch, epochLoss, metricName, metric, _clock.Elapsed - epochStart);
                epochs.Add(summary);
                stoppedEarly = objective.MetricName is not null && options.EarlyStoppingPatience > 0
                    && epochsWithoutImprovement >= options.EarlyStoppingPatience && epoch < options.Epochs;
                log?.Invoke(LogLine(summary, accuracy, improved, epochsWithoutImprovement, stoppedEarly) +
                    (partial ? $" Stopped on request after {seen} of {examples} examples of this epoch." : ""));
                Report(epoch, metricName, metric, finished: epoch == options.Epochs || stoppedEarly || partial);
                stoppedOnRequest = partial;
                if (stoppedEarly || partial)
                    break;
            }

            if (best is not null && (bestEpoch != epochs.Count || movedPastLastEpoch))
            {
                best.RestoreInto(model);
                log?.Invoke($"Restored the weights of epoch {bestEpoch} (best validation {objective.MetricName} {Format(bestMetric!.Value)}).");
            }
            return new TrainingResult(epochs, bestEpoch, stoppedEarly) { StoppedOnRequest = stoppedOnRequest };
        }
        finally
        {
            best?.Dispose();
            model.DropoutGenerator = previousGenerator;
            model.zero_grad(set_to_none: true); // gradients are as large as the model; nothing reads them after training
            if (wasTraining) model.train();
            else model.eval();
        }
    }

    private double Step(FineTuningOptimizer optimizer, ReadOnlySpan<int> indices, Device device, int epoch)
    {
        using var scope = torch.NewDisposeScope();
        optimizer.ZeroGrad();
        var lossTensor = objective.Loss(indices, device);
        double loss = lossTensor.to_type(ScalarType.Float64).item<double>();
        if (!double.IsFinite(loss))
            throw new InvalidOperationException(
                $"The training loss became {loss.ToString(CultureInfo.InvariantCulture)} at epoch {epoch}, step {_stepsDone + 1}; the model keeps the weights of the step before. " +
                "Try a lower learning rate.");
        lossTensor.backward();
        _lastLearningRate = optimizer.Step().LearningRate;
        return loss;
    }

    private void Report(int epoch, string? metricName, double? metric, bool finished = false)
    {
        if (progress is null)
        {
            _lossSinceReport = 0;
            _stepsSinceReport = 0;
            return;
        }
        var elapsed = _clock.Elapsed;
        var remaining = finished || _stepsDone == 0
            ? TimeSpan.Zero
            : TimeSpan.FromTicks((long)(elapsed.Ticks * ((double)(_totalSteps - _stepsDone) / _stepsDone)));
        double loss = _stepsSinceReport == 0 ? double.NaN : _lossSinceReport / _stepsSinceReport;
        _lossSinceReport = 0;
        _stepsSinceReport = 0;
        progress.Report(new TrainingProgress(epoch, options.Epochs, _stepsDone, _totalSteps, loss, _lastLearningRate,
            metricName, metric, elapsed, remaining));
    }

    private string LogLine(EpochSummary summary, double? accuracy, bool improved, int epochsWithoutImprovement, bool stoppedEarly)
    {
        var line = $"Epoch {summary.Epoch}/{options.Epochs}: training loss {Format(summary.TrainingLoss)}";
        if (summary.ValidationMetric is double metric)
        {
            line += $", validation {summary.ValidationMetricName} {Format(metric)}";
            if (accuracy is double a) line += $" (accuracy {Format(a)})";
            line += improved ? ", best so far" : $", no improvement for {epochsWithoutImprovement} epoch(s)";
        }
        line += string.Create(CultureInfo.InvariantCulture, $", {summary.Duration.TotalSeconds:F1} s");
        if (stoppedEarly) line += $"; stopping early (patience {options.EarlyStoppingPatience})";
        return line + ".";
    }

    private static string Format(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
