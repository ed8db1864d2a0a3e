namespace Microsoft.ML.Deberta.Training;

/// <summary>The outcome of a fine-tuning run.</summary>
/// <param name="Epochs">One summary per completed epoch.</param>
/// <param name="BestEpoch">The epoch whose weights the model holds at the end (the last one without validation).</param>
/// <param name="StoppedEarly">Whether early stopping ended the run before the planned epochs.</param>
internal sealed record TrainingResult(IReadOnlyList<EpochSummary> Epochs, int BestEpoch, bool StoppedEarly)
{
    /// <summary>Whether <see cref="SequenceClassificationTrainingOptions.StopToken"/> ended the run before its planned epochs.</summary>
    public bool StoppedOnRequest { get; init; }

    /// <summary>The validation metric before the first step, for trainers that measure it (masked-LM training's perplexity); otherwise null.</summary>
    public double? InitialValidationMetric { get; init; }
}
