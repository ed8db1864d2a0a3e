using System.Globalization;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// One fine-tuning run, the same for every head: per-epoch shuffles from the seed
/// (<see cref="SequenceClassificationTrainer.EpochOrder"/>), AdamW with transformers' parameter groups, linear warm-up
/// and decay, clipping (<see cref="FineTuningOptimizer"/>), validation after every epoch with best-epoch restore and
/// early stopping, progress reports, stop requests and cancellation. The head's part (batch loss, validation metric)
/// is an <see cref="IFineTuningObjective"/>.
/// </summary>
/// <remarks>The run's set-up and clean-up (its own seeded dropout generator, the model's mode) is
/// <see cref="TrainingRunScope"/>, its progress bookkeeping <see cref="TrainingProgressTracker"/>; the masked-LM run
/// shares both.</remarks>
internal sealed class FineTuningLoop(
    SequenceClassificationTrainingOptions options, DebertaPreTrainedModel model, IFineTuningObjective objective,
    IProgress<TrainingProgress>? progress, Action<string>? log, CancellationToken cancellationToken)
{
    private TrainingProgressTracker _tracker = null!;

    public TrainingResult Execute()
    {
        int examples = objective.ExampleCount;
        var schedule = LinearWarmupDecaySchedule.ForRun(options.LearningRate, options.WarmupRatio, options.Epochs, examples, options.BatchSize);

        var epochs = new List<EpochSummary>();
        ParameterSnapshot? best = null;
        double? bestMetric = null;
        int bestEpoch = 0, epochsWithoutImprovement = 0;
        bool stoppedEarly = false, stoppedOnRequest = false, movedPastLastEpoch = false;
        using var runScope = new TrainingRunScope(model, options.Seed);
        _tracker = new TrainingProgressTracker(progress, options.Epochs, schedule.TotalSteps);
        try
        {
            using var optimizer = new FineTuningOptimizer(model.named_parameters(), schedule, options.WeightDecay, options.MaxGradNorm);
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                var epochStart = _tracker.Elapsed;
                var order = SequenceClassificationTrainer.EpochOrder(options.Seed, epoch, examples);
                model.train();
                double epochLoss = 0;
                int seen = 0;
                bool partial = false;
                for (int start = 0; start < examples; start += options.BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // A stop request ends the run between steps, but only once there is a step to keep.
                    if (options.StopToken.IsCancellationRequested && _tracker.StepsDone > 0)
                    {
                        partial = true;
                        break;
                    }
                    var indices = order.AsSpan(start, Math.Min(options.BatchSize, examples - start));
                    double loss = Step(optimizer, indices, epoch);
                    epochLoss += loss * indices.Length;
                    seen += indices.Length;
                    bool lastOfEpoch = start + options.BatchSize >= examples;
                    if (!lastOfEpoch && _tracker.StepsDone % options.ProgressInterval == 0)
                        _tracker.Report(epoch, null, null);
                }
                optimizer.ZeroGrad();
                // With completed epochs to fall back on, a partial epoch is dropped when validation can pick the
                // best (its weights are restored below) or when it took no step; otherwise it counts as an epoch.
                if (partial && epochs.Count > 0 && (seen == 0 || objective.HasValidation))
                {
                    stoppedOnRequest = true;
                    movedPastLastEpoch = seen > 0;
                    log?.Invoke($"Stopped on request during epoch {epoch}/{options.Epochs}.");
                    break;
                }
                epochLoss /= seen;

                string? metricName = null;
                double? metric = null;
                string? detail = null;
                bool improved = false;
                if (objective.HasValidation)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    (double value, detail) = objective.Validate(options.BatchSize, cancellationToken);
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

                var summary = new EpochSummary(epoch, epochLoss, metricName, metric, _tracker.Elapsed - epochStart);
                epochs.Add(summary);
                stoppedEarly = objective.HasValidation && options.EarlyStoppingPatience > 0
                    && epochsWithoutImprovement >= options.EarlyStoppingPatience && epoch < options.Epochs;
                log?.Invoke(LogLine(summary, detail, improved, epochsWithoutImprovement, stoppedEarly) +
                    (partial ? $" Stopped on request after {seen} of {examples} examples of this epoch." : ""));
                _tracker.Report(epoch, metricName, metric, finished: epoch == options.Epochs || stoppedEarly || partial);
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
        }
    }

    private double Step(FineTuningOptimizer optimizer, ReadOnlySpan<int> indices, int epoch)
    {
        using var scope = torch.NewDisposeScope();
        optimizer.ZeroGrad();
        var lossTensor = objective.Loss(indices);
        double loss = lossTensor.to_type(ScalarType.Float64).item<double>();
        if (!double.IsFinite(loss))
            throw new InvalidOperationException(
                $"The training loss became {loss.ToString(CultureInfo.InvariantCulture)} at epoch {epoch}, step {_tracker.StepsDone + 1}; the model keeps the weights of the step before. " +
                "Try a lower learning rate.");
        lossTensor.backward();
        _tracker.StepDone(loss, optimizer.Step().LearningRate);
        return loss;
    }

    private string LogLine(EpochSummary summary, string? detail, bool improved, int epochsWithoutImprovement, bool stoppedEarly)
    {
        var line = $"Epoch {summary.Epoch}/{options.Epochs}: training loss {Format(summary.TrainingLoss)}";
        if (summary.ValidationMetric is double metric)
        {
            line += $", validation {summary.ValidationMetricName} {Format(metric)}";
            if (detail is not null) line += $" ({detail})";
            line += improved ? ", best so far" : $", no improvement for {epochsWithoutImprovement} epoch(s)";
        }
        line += string.Create(CultureInfo.InvariantCulture, $", {summary.Duration.TotalSeconds:F1} s");
        if (stoppedEarly) line += $"; stopping early (patience {options.EarlyStoppingPatience})";
        return line + ".";
    }

    internal static string Format(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
