using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>The state of one <see cref="MaskedLMTrainer"/> run.</summary>
internal sealed class MaskedLMRun(
    MaskedLMTrainingOptions options, DebertaForMaskedLM model, LanguageModelingMasker masker,
    IReadOnlyList<LanguageModelingExample> train, IReadOnlyList<LanguageModelingExample>? validation,
    IProgress<TrainingProgress>? progress, Action<string>? log, CancellationToken cancellationToken)
{
    // Validation masks come from their own generator, so they do not depend on the training draws.
    private const int ValidationSeedOffset = 0x5EED;

    public TrainingResult Execute()
    {
        int examples = train.Count;
        var schedule = LinearWarmupDecaySchedule.ForRun(options.LearningRate, options.WarmupRatio, options.Epochs, examples, options.BatchSize);
        var tracker = new TrainingProgressTracker(progress, options.Epochs, schedule.TotalSteps);
        long padId = model.Config.PadTokenId ?? 0;
        var device = SequenceClassificationPredictor.ModelDevice(model);
        var random = new Random(options.Seed);
        var validationRandom = new Random(unchecked(options.Seed + ValidationSeedOffset));
        var validationSet = validation?.Select(e => MaskedSequence.Draw(e, masker, validationRandom)).ToList();
        if (validationSet is not null && validationSet.Sum(m => m.TargetCount) == 0)
            throw new ArgumentException(
                $"The validation masks select no token in {validationSet.Count} sequences, so there is no perplexity to measure; " +
                "give more (or longer) validation texts.", nameof(validation));

        var epochs = new List<EpochSummary>();
        ParameterSnapshot? best = null;
        double? initial = null, bestPerplexity = null;
        int bestEpoch = 0;
        using var runScope = new TrainingRunScope(model, options.Seed);
        try
        {
            if (validationSet is not null)
            {
                initial = MaskedLMTrainer.Perplexity(model, validationSet, options.BatchSize, cancellationToken);
                log?.Invoke($"Validation perplexity before training: {MaskedLMTrainer.Format(initial.Value)}.");
            }
            using var optimizer = new FineTuningOptimizer(model.named_parameters(), schedule, options.WeightDecay, options.MaxGradNorm);
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                var epochStart = tracker.Elapsed;
                var order = SequenceClassificationTrainer.EpochOrder(options.Seed, epoch, examples);
                model.train();
                double lossSum = 0;
                long targets = 0;
                for (int start = 0; start < examples; start += options.BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var rows = order.AsSpan(start, Math.Min(options.BatchSize, examples - start)).ToArray()
                        .Select(i => MaskedSequence.Draw(train[i], masker, random)).ToList();
                    double loss = Step(optimizer, tracker, rows, padId, device, epoch, out int count);
                    lossSum += loss * count;
                    targets += count;
                    if (start + options.BatchSize < examples && tracker.StepsDone % options.ProgressInterval == 0)
                        tracker.Report(epoch, null, null);
                }
                optimizer.ZeroGrad();
                double epochLoss = targets == 0 ? double.NaN : lossSum / targets;

                double? perplexity = null;
                bool improved = false;
                if (validationSet is not null)
                {
                    perplexity = MaskedLMTrainer.Perplexity(model, validationSet, options.BatchSize, cancellationToken);
                    improved = bestPerplexity is not double b || perplexity < b;
                    if (improved)
                    {
                        bestPerplexity = perplexity;
                        bestEpoch = epoch;
                        best?.Dispose();
                        best = epoch < options.Epochs ? ParameterSnapshot.Capture(model) : null;
                    }
                }
                else
                {
                    bestEpoch = epoch;
                }
                string? metricName = perplexity is null ? null : MaskedLMTrainer.PerplexityMetricName;
                var summary = new EpochSummary(epoch, epochLoss, metricName, perplexity, tracker.Elapsed - epochStart);
                epochs.Add(summary);
                log?.Invoke($"Epoch {epoch}/{options.Epochs}: training loss {MaskedLMTrainer.Format(epochLoss)}" +
                    (perplexity is double p ? $", validation perplexity {MaskedLMTrainer.Format(p)}{(improved ? ", best so far" : "")}" : "") +
                    $", {summary.Duration.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)} s.");
                tracker.Report(epoch, metricName, perplexity, finished: epoch == options.Epochs);
            }
            if (best is not null && bestEpoch != epochs.Count)
            {
                best.RestoreInto(model);
                log?.Invoke($"Restored the weights of epoch {bestEpoch} (best validation perplexity {MaskedLMTrainer.Format(bestPerplexity!.Value)}).");
            }
            return new TrainingResult(epochs, bestEpoch, StoppedEarly: false) { InitialValidationMetric = initial };
        }
        finally
        {
            best?.Dispose();
        }
    }

    private double Step(FineTuningOptimizer optimizer, TrainingProgressTracker tracker, List<MaskedSequence> rows, long padId,
        Device device, int epoch, out int count)
    {
        using var scope = torch.NewDisposeScope();
        count = rows.Sum(r => r.TargetCount);
        var (batch, labels) = MaskedSequence.Batch(rows, padId, device);
        optimizer.ZeroGrad();
        // A batch whose draws selected nothing still steps (as transformers would, there with a NaN loss): its loss is 0.
        var lossTensor = model.SummedLossAtTargets(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, labels) / Math.Max(1, count);
        double loss = lossTensor.to_type(ScalarType.Float64).item<double>();
        if (!double.IsFinite(loss))
            throw new InvalidOperationException(
                $"The training loss became {loss} at epoch {epoch}, step {tracker.StepsDone + 1}; the model keeps the weights of the step before. " +
                "Try a lower learning rate.");
        lossTensor.backward();
        tracker.StepDone(loss, optimizer.Step().LearningRate);
        return loss;
    }
}
