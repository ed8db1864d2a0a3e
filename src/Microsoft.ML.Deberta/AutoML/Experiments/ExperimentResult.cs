namespace Microsoft.ML.Deberta.AutoML;

/// <summary>What <see cref="TextAutoMLExperiment.RunAsync"/> returns: the best model, its metrics, and every trial.</summary>
public sealed class ExperimentResult : IDisposable
{

    internal ExperimentResult(ITransformer bestModel, TrialResult bestTrial, ValidationEvaluation bestEvaluation,
        IReadOnlyList<TrialResult> trials, IReadOnlyList<string> warnings, TextAutoMLMetric metric, TimeSpan elapsed,
        TextTrialRunner.Settings settings, DataViewSchema inputSchema)
    {
        Settings = settings;
        InputSchema = inputSchema;
        BestModel = bestModel;
        BestTrial = bestTrial;
        BestEvaluation = bestEvaluation;
        Trials = trials;
        Warnings = warnings;
        Metric = metric;
        Elapsed = elapsed;
    }

    /// <summary>The best trial's fitted pipeline (label preparation, DeBERTa step, predicted-label mapping): save it with <see cref="DebertaModelIO"/>.Save.</summary>
    public ITransformer BestModel { get; }

    /// <summary>The best trial's row.</summary>
    public TrialResult BestTrial { get; }

    /// <summary>The best model on the validation rows: every metric, and the confusion matrix or residuals.</summary>
    public ValidationEvaluation BestEvaluation { get; }

    /// <summary>Every trial, in order (failed ones included).</summary>
    public IReadOnlyList<TrialResult> Trials { get; }

    /// <summary>Things the user should know (e.g. a budget that did not allow one full epoch).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>What every trial shared (task, columns, tokenizer), for the generated code.</summary>
    internal TextTrialRunner.Settings Settings { get; }

    /// <summary>The schema of the data the model takes (the training data's).</summary>
    public DataViewSchema InputSchema { get; }

    /// <summary>The optimised metric.</summary>
    public TextAutoMLMetric Metric { get; }

    /// <summary>Wall-clock time of the run.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>
    /// The best model's metrics on other rows with the training data's columns (a test set): every metric of the task,
    /// and the confusion matrix or residuals. Rows whose class the training data never had are left out.
    /// </summary>
    /// <exception cref="ArgumentException">The data lacks a column the model needs.</exception>
    public ValidationEvaluation Evaluate(IDataView data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Schema.GetColumnOrNull(Settings.LabelColumn) is null)
            throw new ArgumentException($"The data has no label column '{Settings.LabelColumn}' to evaluate against.", nameof(data));
        return MetricCalculator.Evaluate(BestModel.Transform(data), Settings.Task, Settings.LabelColumn, "Score", BestEvaluation.ClassNames);
    }

    /// <summary>Frees the best model's native memory.</summary>
    public void Dispose() => (BestModel as IDisposable)?.Dispose();
}
