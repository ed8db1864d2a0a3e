using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// A training loop's side of its checkpoints (<see cref="TrainingCheckpointStore"/>): resuming (and saying so in the
/// log and in progress reports), and saving every N steps within an epoch, at every epoch's end and where a stop
/// request ended the run. Shared by <see cref="FineTuningLoop"/> and the masked-LM run.
/// </summary>
internal sealed class RunCheckpoints(
    TrainingCheckpointStore store, int everySteps, int epochs, int batchSize, int examples,
    nn.Module model, FineTuningOptimizer optimizer, Generator dropoutGenerator, TrainingProgressTracker tracker, Action<string>? log)
{
    private int _lastSavedStep = -1;

    /// <summary>
    /// Restores the latest checkpoint, if any, into the model, optimizer, dropout generator and progress count.
    /// </summary>
    /// <returns>The checkpoint's run state and best-epoch weights (the caller owns them); null when there is none.</returns>
    public TrainingCheckpointStore.Resumed? TryResume()
    {
        var resumed = store.TryResume(model, optimizer, dropoutGenerator);
        if (resumed is null)
            return null;
        var run = resumed.State;
        tracker.Resume(run.StepsDone);
        _lastSavedStep = run.StepsDone;
        int batches = (examples + batchSize - 1) / batchSize;
        log?.Invoke(run.Ended(epochs)
            ? $"Resumed from step {run.StepsDone}: checkpoint '{resumed.Path}' is of a run that already ended; nothing left to train."
            : $"Resumed from step {run.StepsDone} of epoch {run.Epoch}/{epochs} (batch {run.NextExample / batchSize + 1} of {batches} next) " +
              $"from checkpoint '{resumed.Path}'.");
        return resumed;
    }

    /// <summary>Saves after a step that is not the epoch's last when the step count is a multiple of N (the last step is saved with the epoch's outcome).</summary>
    public void AfterStep(FineTuningRunState run, TimeSpan epochStart, bool lastOfEpoch, ParameterSnapshot? best)
    {
        if (!lastOfEpoch && tracker.StepsDone % everySteps == 0)
            Save(run, epochStart, best);
    }

    /// <summary>Saves where a stop request ended the run, unless that step is saved already.</summary>
    public void AtStop(FineTuningRunState run, TimeSpan epochStart, ParameterSnapshot? best)
    {
        if (_lastSavedStep != tracker.StepsDone)
            Save(run, epochStart, best);
    }

    /// <summary>Saves the run as it stands (at an epoch's end: after <see cref="FineTuningRunState.StartNextEpoch"/>).</summary>
    public void Save(FineTuningRunState run, TimeSpan epochStart, ParameterSnapshot? best)
    {
        run.StepsDone = tracker.StepsDone;
        run.EpochElapsed = run.NextExample == 0 ? TimeSpan.Zero : tracker.Elapsed - epochStart;
        var path = store.Write(run, model, optimizer, dropoutGenerator, best);
        _lastSavedStep = run.StepsDone;
        log?.Invoke($"Saved checkpoint '{path}' at step {run.StepsDone} (epoch {Math.Min(run.Epoch, epochs)}/{epochs}).");
    }
}
