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

        var run = new FineTuningRunState();
        ParameterSnapshot? best = null;
        double? initial = null;
        using var runScope = new TrainingRunScope(model, options.Seed);
        try
        {
            if (validationSet is not null)
            {
                initial = MaskedLMTrainer.Perplexity(model, validationSet, options.BatchSize, cancellationToken);
                log?.Invoke($"Validation perplexity before training: {MaskedLMTrainer.Format(initial.Value)}.");
            }
            using var optimizer = new FineTuningOptimizer(model.named_parameters(), schedule, options.WeightDecay, options.MaxGradNorm);
            var checkpoints = options.CheckpointFolder is null ? null : new RunCheckpoints(
                new TrainingCheckpointStore(options.CheckpointFolder, FineTuningRunIdentity.Of(options, model, examples, validation is not null)),
                options.CheckpointEverySteps, options.Epochs, options.BatchSize, examples, model, optimizer, runScope.DropoutGenerator, tracker, log);
            if (checkpoints?.TryResume() is { } resumed)
            {
                (run, best) = (resumed.State, resumed.Best);
                ReplayMaskDraws(run, masker, random);
            }
            while (!run.Ended(options.Epochs))
            {
                int epoch = run.Epoch;
                var epochStart = tracker.Elapsed - run.EpochElapsed;
                var order = SequenceClassificationTrainer.EpochOrder(options.Seed, epoch, examples);
                model.train();
                for (int start = run.NextExample; start < examples; start += options.BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var rows = order.AsSpan(start, Math.Min(options.BatchSize, examples - start)).ToArray()
                        .Select(i => MaskedSequence.Draw(train[i], masker, random)).ToList();
                    double loss = Step(optimizer, tracker, rows, padId, device, epoch, out int count);
                    run.EpochLossSum += loss * count;
                    run.EpochExamplesSeen += count;   // target tokens: the epoch's loss is their mean
                    run.NextExample = start + options.BatchSize;
                    bool lastOfEpoch = start + options.BatchSize >= examples;
                    if (!lastOfEpoch && tracker.StepsDone % options.ProgressInterval == 0)
                        tracker.Report(epoch, null, null);
                    checkpoints?.AfterStep(run, epochStart, lastOfEpoch, best);
                }
                optimizer.ZeroGrad();
                double epochLoss = run.EpochExamplesSeen == 0 ? double.NaN : run.EpochLossSum / run.EpochExamplesSeen;

                double? perplexity = null;
                bool improved = false;
                if (validationSet is not null)
                {
                    perplexity = MaskedLMTrainer.Perplexity(model, validationSet, options.BatchSize, cancellationToken);
                    improved = run.BestMetric is not double b || perplexity < b;
                    if (improved)
                    {
                        run.BestMetric = perplexity;
                        run.BestEpoch = epoch;
                        best?.Dispose();
                        best = epoch < options.Epochs ? ParameterSnapshot.Capture(model) : null;
                    }
                }
                else
                {
                    run.BestEpoch = epoch;
                }
                string? metricName = perplexity is null ? null : MaskedLMTrainer.PerplexityMetricName;
                var summary = new EpochSummary(epoch, epochLoss, metricName, perplexity, tracker.Elapsed - epochStart);
                run.Epochs.Add(summary);
                log?.Invoke($"Epoch {epoch}/{options.Epochs}: training loss {MaskedLMTrainer.Format(epochLoss)}" +
                    (perplexity is double p ? $", validation perplexity {MaskedLMTrainer.Format(p)}{(improved ? ", best so far" : "")}" : "") +
                    $", {summary.Duration.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)} s.");
                tracker.Report(epoch, metricName, perplexity, finished: epoch == options.Epochs);
                run.StartNextEpoch();
                checkpoints?.Save(run, epochStart, best);
            }
            if (best is not null && run.BestEpoch != run.Epochs.Count)
            {
                best.RestoreInto(model);
                log?.Invoke($"Restored the weights of epoch {run.BestEpoch} (best validation perplexity {MaskedLMTrainer.Format(run.BestMetric!.Value)}).");
            }
            return new TrainingResult(run.Epochs, run.BestEpoch, StoppedEarly: false) { InitialValidationMetric = initial };
        }
        finally
        {
            best?.Dispose();
        }
    }

    // System.Random's state cannot be saved, so a resumed run draws again (and discards) every training mask drawn
    // before its checkpoint, in the same order: the generator then stands where the interrupted run's stood. Drawing
    // is cheap next to the steps.
    private void ReplayMaskDraws(FineTuningRunState run, LanguageModelingMasker masker, Random random)
    {
        if (run.Ended(options.Epochs))
            return;
        for (int epoch = 1; epoch <= run.Epoch; epoch++)
        {
            var order = SequenceClassificationTrainer.EpochOrder(options.Seed, epoch, train.Count);
            int drawn = epoch < run.Epoch ? train.Count : run.NextExample;
            for (int i = 0; i < drawn; i++)
                MaskedSequence.Draw(train[order[i]], masker, random);
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
