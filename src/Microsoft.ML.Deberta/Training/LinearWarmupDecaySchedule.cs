namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// The learning-rate schedule of transformers' <c>get_linear_schedule_with_warmup</c>: the rate rises linearly
/// from 0 to the peak over the warm-up steps, then falls linearly to 0 at the last step.
/// </summary>
/// <remarks>
/// ML.NET's own text trainers use a one-cycle schedule that ends at 90% of the peak, so it barely decays; decaying
/// to 0 is what fine-tuning recipes for DeBERTa expect.
/// </remarks>
internal sealed class LinearWarmupDecaySchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="peakLearningRate">The rate reached at the end of warm-up.</param>
    /// <param name="warmupSteps">Steps of linear warm-up (0 for none).</param>
    /// <param name="totalSteps">Optimizer steps in the whole run.</param>
    public LinearWarmupDecaySchedule(double peakLearningRate, int warmupSteps, int totalSteps)
    {
        if (!(peakLearningRate >= 0) || double.IsInfinity(peakLearningRate))
            throw new ArgumentOutOfRangeException(nameof(peakLearningRate), peakLearningRate, "The learning rate must be a finite number >= 0.");
        if (totalSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "A training run needs at least one step.");
        if (warmupSteps < 0 || warmupSteps > totalSteps)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, $"Warm-up steps must lie in [0, {totalSteps}].");
        PeakLearningRate = peakLearningRate;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
    }

    /// <summary>The rate reached at the end of warm-up.</summary>
    public double PeakLearningRate { get; }

    /// <summary>Steps of linear warm-up.</summary>
    public int WarmupSteps { get; }

    /// <summary>Optimizer steps in the whole run.</summary>
    public int TotalSteps { get; }

    /// <summary>Warm-up steps for a ratio of the run, rounded up as transformers' <c>get_warmup_steps</c> does.</summary>
    public static int WarmupStepsFromRatio(double warmupRatio, int totalSteps)
    {
        if (!(warmupRatio >= 0 && warmupRatio <= 1))
            throw new ArgumentOutOfRangeException(nameof(warmupRatio), warmupRatio, "The warm-up ratio must lie in [0, 1].");
        return (int)Math.Ceiling(totalSteps * warmupRatio);
    }

    /// <summary>
    /// The schedule of a run of <paramref name="epochs"/> × ⌈examples / batch size⌉ optimizer steps that warms up over
    /// ⌈<paramref name="warmupRatio"/> × all steps⌉ and decays to 0 at the last one.
    /// </summary>
    internal static LinearWarmupDecaySchedule ForRun(double learningRate, double warmupRatio, int epochs, int examples, int batchSize)
    {
        int totalSteps = checked(epochs * ((examples + batchSize - 1) / batchSize));
        return new LinearWarmupDecaySchedule(learningRate, WarmupStepsFromRatio(warmupRatio, totalSteps), totalSteps);
    }

    /// <summary>The learning rate used by the optimizer step with the given 0-based index.</summary>
    public double LearningRateAt(int step)
    {
        // Same arithmetic as the Python lambda (float64), so the rates are exact.
        double factor = step < WarmupSteps
            ? (double)step / Math.Max(1, WarmupSteps)
            : Math.Max(0.0, (double)(TotalSteps - step) / Math.Max(1, TotalSteps - WarmupSteps));
        return PeakLearningRate * factor;
    }
}
