namespace Microsoft.ML.Deberta.AutoML;

/// <summary>What <see cref="TextAutoMLExperiment.RunAsync"/> returns: the best model, its metrics, and every trial.</summary>
public sealed class ExperimentResult : IDisposable
{
    internal ExperimentResult(ITransformer bestModel, TrialResult bestTrial, ValidationEvaluation bestEvaluation,
        IReadOnlyList<TrialResult> trials, IReadOnlyList<string> warnings, TextAutoMLMetric metric, TimeSpan elapsed)
    {
        BestModel = bestModel;
        BestTrial = bestTrial;
        BestEvaluation = bestEvaluation;
        Trials = trials;
        Warnings = warnings;
        Metric = metric;
        Elapsed = elapsed;
    }

    /// <summary>The best trial's fitted pipeline (label preparation, DeBERTa step, predicted-label mapping): save it with <c>mlContext.Model.Save</c>.</summary>
    public ITransformer BestModel { get; }

    /// <summary>The best trial's row.</summary>
    public TrialResult BestTrial { get; }

    /// <summary>The best model on the validation rows: every metric, and the confusion matrix or residuals.</summary>
    public ValidationEvaluation BestEvaluation { get; }

    /// <summary>Every trial, in order (failed ones included).</summary>
    public IReadOnlyList<TrialResult> Trials { get; }

    /// <summary>Things the user should know (e.g. a budget that did not allow one full epoch).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The optimised metric.</summary>
    public TextAutoMLMetric Metric { get; }

    /// <summary>Wall-clock time of the run.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Frees the best model's native memory.</summary>
    public void Dispose() => (BestModel as IDisposable)?.Dispose();
}
