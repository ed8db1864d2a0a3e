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
/// shares both. With a checkpoint folder the run's state (<see cref="FineTuningRunState"/> and its tensors) is saved
/// every <see cref="SequenceClassificationTrainingOptions.CheckpointEverySteps"/> steps and after every epoch
/// (<see cref="TrainingCheckpointStore"/>), and a run started on a folder with a checkpoint resumes from it, taking the
/// same steps as a run never interrupted.</remarks>
internal sealed class FineTuningLoop(
    SequenceClassificationTrainingOptions options, DebertaPreTrainedModel model, IFineTuningObjective objective,
    IProgress<TrainingProgress>? progress, Action<string>? log, CancellationToken cancellationToken)
{
    private TrainingProgressTracker _tracker = null!;

    public TrainingResult Execute()
    {
        int examples = objective.ExampleCount;
        var schedule = LinearWarmupDecaySchedule.ForRun(options.LearningRate, options.WarmupRatio, options.Epochs, examples, options.BatchSize);

        var run = new FineTuningRunState();
        ParameterSnapshot? best = null;
        bool stoppedOnRequest = false, movedPastLastEpoch = false;
        using var runScope = new TrainingRunScope(model, options.Seed, options.TrainingPrecision);
        _tracker = new TrainingProgressTracker(progress, options.Epochs, schedule.TotalSteps);
        try
        {
            using var optimizer = new FineTuningOptimizer(model.named_parameters(), schedule, options.WeightDecay, options.MaxGradNorm);
            var checkpoints = options.CheckpointFolder is null ? null : new RunCheckpoints(
                new TrainingCheckpointStore(options.CheckpointFolder, FineTuningRunIdentity.Of(options, model, examples, objective.HasValidation)),
                options.CheckpointEverySteps, options.Epochs, options.BatchSize, examples, model, optimizer, runScope.DropoutGenerator, _tracker, log);
            if (checkpoints?.TryResume() is { } resumed)
                (run, best) = (resumed.State, resumed.Best);

            while (!run.Ended(options.Epochs))
            {
                int epoch = run.Epoch;
                var epochStart = _tracker.Elapsed - run.EpochElapsed;
                var order = SequenceClassificationTrainer.EpochOrder(options.Seed, epoch, examples);
                model.train();
                bool partial = false;
                for (int start = run.NextExample; start < examples; start += options.BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // A stop request ends the run between steps, but only once there is a step to keep.
                    if (options.StopToken.IsCancellationRequested && _tracker.StepsDone > 0)
                    {
                        partial = true;
                        checkpoints?.AtStop(run, epochStart, best);
                        break;
                    }
                    var indices = order.AsSpan(start, Math.Min(options.BatchSize, examples - start));
                    double loss = Step(optimizer, indices, epoch);
                    run.EpochLossSum += loss * indices.Length;
                    run.EpochExamplesSeen += indices.Length;
                    run.NextExample = start + options.BatchSize;
                    bool lastOfEpoch = start + options.BatchSize >= examples;
                    if (!lastOfEpoch && _tracker.StepsDone % options.ProgressInterval == 0)
                        _tracker.Report(epoch, null, null);
                    checkpoints?.AfterStep(run, epochStart, lastOfEpoch, best);
                }
                optimizer.ZeroGrad();
                int seen = run.EpochExamplesSeen;
                // With completed epochs to fall back on, a partial epoch is dropped when validation can pick the
                // best (its weights are restored below) or when it took no step; otherwise it counts as an epoch.
                if (partial && run.Epochs.Count > 0 && (seen == 0 || objective.HasValidation))
                {
                    stoppedOnRequest = true;
                    movedPastLastEpoch = seen > 0;
                    log?.Invoke($"Stopped on request during epoch {epoch}/{options.Epochs}.");
                    break;
                }
                double epochLoss = run.EpochLossSum / seen;

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
                    improved = objective.IsImprovement(value, run.BestMetric, options.EarlyStoppingMinDelta);
                    if (improved)
                    {
                        run.BestMetric = value;
                        run.BestEpoch = epoch;
                        run.EpochsWithoutImprovement = 0;
                        best?.Dispose();
                        best = null;
                        // The last epoch's weights are already in the model: copy only when another epoch may follow.
                        if (epoch < options.Epochs)
                            best = ParameterSnapshot.Capture(model);
                    }
                    else
                    {
                        run.EpochsWithoutImprovement++;
                    }
                }
                else
                {
                    run.BestEpoch = epoch;
                }

                var summary = new EpochSummary(epoch, epochLoss, metricName, metric, _tracker.Elapsed - epochStart);
                run.Epochs.Add(summary);
                run.StoppedEarly = objective.HasValidation && options.EarlyStoppingPatience > 0
                    && run.EpochsWithoutImprovement >= options.EarlyStoppingPatience && epoch < options.Epochs;
                log?.Invoke(LogLine(summary, detail, improved, run.EpochsWithoutImprovement, run.StoppedEarly) +
                    (partial ? $" Stopped on request after {seen} of {examples} examples of this epoch." : ""));
                _tracker.Report(epoch, metricName, metric, finished: epoch == options.Epochs || run.StoppedEarly || partial);
                stoppedOnRequest = partial;
                if (partial)
                    break;
                run.StartNextEpoch();
                checkpoints?.Save(run, epochStart, best);
            }

            if (best is not null && (run.BestEpoch != run.Epochs.Count || movedPastLastEpoch))
            {
                best.RestoreInto(model);
                log?.Invoke($"Restored the weights of epoch {run.BestEpoch} (best validation {objective.MetricName} {Format(run.BestMetric!.Value)}).");
            }
            return new TrainingResult(run.Epochs, run.BestEpoch, run.StoppedEarly) { StoppedOnRequest = stoppedOnRequest };
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
