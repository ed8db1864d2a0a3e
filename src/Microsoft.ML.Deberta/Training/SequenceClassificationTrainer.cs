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
internal sealed class SequenceClassificationTrainer
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

        var run = new Run(_options, task, model, train, trainTargets, validation, validationTargets, progress, log, cancellationToken);
        return run.Execute();
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

    /// <summary>The state of one training run.</summary>
    private sealed class Run(
        SequenceClassificationTrainingOptions options, SequenceClassificationTask task, DebertaForSequenceClassification model,
        IReadOnlyList<EncodedExample> train, IReadOnlyList<float> trainTargets,
        IReadOnlyList<EncodedExample>? validation, IReadOnlyList<float>? validationTargets,
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
            int examples = train.Count;
            int stepsPerEpoch = (examples + options.BatchSize - 1) / options.BatchSize;
            _totalSteps = checked(options.Epochs * stepsPerEpoch);
            var schedule = new LinearWarmupDecaySchedule(
                options.LearningRate, LinearWarmupDecaySchedule.WarmupStepsFromRatio(options.WarmupRatio, _totalSteps), _totalSteps);
            var exampleTargets = train.Select(e => trainTargets[e.SourceIndex]).ToArray();
            long padId = model.Config.PadTokenId ?? 0;
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
                    var order = EpochOrder(options.Seed, epoch, examples);
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
                        double loss = Step(optimizer, indices, exampleTargets, padId, device, epoch);
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
                    if (partial && epochs.Count > 0 && (seen == 0 || validation is not null))
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
                    if (validation is not null)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var logits = SequenceClassificationPredictor.PredictLogits(
                            model, validation, validationTargets!.Count, options.BatchSize, sortByLength: true, cancellationToken);
                        (double value, accuracy) = task.Evaluate(logits, validationTargets);
                        metricName = task.MetricName;
                        metric = value;
                        improved = task.IsImprovement(value, bestMetric, options.EarlyStoppingMinDelta);
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
                    stoppedEarly = validation is not null && options.EarlyStoppingPatience > 0
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
                    log?.Invoke($"Restored the weights of epoch {bestEpoch} (best validation {task.MetricName} {Format(bestMetric!.Value)}).");
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

        private double Step(FineTuningOptimizer optimizer, ReadOnlySpan<int> indices, float[] exampleTargets, long padId, Device device, int epoch)
        {
            using var scope = torch.NewDisposeScope();
            var batch = PaddedBatch.Build(train, indices, padId, device);
            var labels = task.Labels(exampleTargets, indices, device);
            optimizer.ZeroGrad();
            var output = model.Forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, labels: labels);
            var lossTensor = output.Loss!;
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
}
