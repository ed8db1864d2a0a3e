using Microsoft.ML.Deberta.Tests.Checkpoints;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>What one of <see cref="ResumableFit"/>'s runs sets on the trainer's options; the rest stays the same.</summary>
internal readonly record struct ResumableRun(string? CheckpointFolder, IProgress<TrainingProgress>? Progress, CancellationToken CancellationToken)
{
    /// <summary>The trainer's options with this run's checkpoint folder (checkpointed every <paramref name="checkpointEverySteps"/> steps), progress and cancellation.</summary>
    public TOptions On<TOptions>(TOptions options, int checkpointEverySteps) where TOptions : DebertaFineTuningOptions
    {
        options.CheckpointFolder = CheckpointFolder;
        options.CheckpointEverySteps = checkpointEverySteps;
        options.Progress = Progress;
        options.CancellationToken = CancellationToken;
        return options;
    }
}

/// <summary>
/// <see cref="DebertaFineTuningOptions.CheckpointFolder"/> through a trainer's ML.NET <c>Fit</c>: a <c>Fit</c>
/// cancelled from its progress report at a checkpointed step, then <c>Fit</c> again on the same folder, must give a
/// model whose outputs equal, bit for bit, those of a <c>Fit</c> never interrupted (same seed), and every progress
/// report of the resumed run must say which step it resumed from.
/// </summary>
internal static class ResumableFit
{
    /// <param name="fit">Fits the trainer with the run's settings (the same seed and data every time).</param>
    /// <param name="outputs">The model's outputs on the evaluation rows as exact strings (floats through <see cref="Bits"/>).</param>
    /// <param name="cancelAtStep">A step that is both reported and checkpointed: an epoch's end, or a multiple of 10
    /// (the progress interval) that is also a multiple of CheckpointEverySteps.</param>
    public static void AssertResumesToTheUninterruptedModel<TModel>(Func<ResumableRun, TModel> fit, Func<TModel, string[]> outputs, int cancelAtStep)
    {
        var expected = FitAndRead(fit, new ResumableRun(null, null, default), outputs);

        using var folder = new TemporaryDirectory();
        using (var cancel = new CancellationTokenSource())
        {
            var cancelAtTheStep = new SynchronousProgress<TrainingProgress>(p => { if (p.Step == cancelAtStep) cancel.Cancel(); });
            Assert.Throws<OperationCanceledException>(() => fit(new ResumableRun(folder.Path, cancelAtTheStep, cancel.Token)),
                $"the run is cancelled at step {cancelAtStep}");
        }
        var reports = new List<TrainingProgress>();
        var resumed = FitAndRead(fit, new ResumableRun(folder.Path, new SynchronousProgress<TrainingProgress>(reports.Add), default), outputs);

        CollectionAssert.AreEqual(expected, resumed, "the resumed model's outputs equal the uninterrupted model's bit for bit");
        Console.WriteLine($"resumed from step {cancelAtStep} of {reports[^1].TotalSteps} (epoch {reports[0].Epoch} of {reports[0].Epochs}): " +
            $"{expected.Length} output lines bit-identical to the uninterrupted Fit's");
        Assert.IsTrue(reports.Count > 0 && reports.All(r => r.ResumedFromStep == cancelAtStep && r.Step > cancelAtStep),
            "every report of the resumed run says where it resumed, and no step before it is taken again:\n" + string.Join("\n", reports));
    }

    /// <summary>The exact bits of each value, so equal strings mean bit-identical floats.</summary>
    public static string Bits(IEnumerable<float> values) => string.Join(",", values.Select(BitConverter.SingleToInt32Bits));

    private static string[] FitAndRead<TModel>(Func<ResumableRun, TModel> fit, ResumableRun run, Func<TModel, string[]> outputs)
    {
        var model = fit(run);
        try
        {
            return outputs(model);
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }
}
