using System.Diagnostics;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// Runs one trial: builds the ML.NET pipeline from a parameter (the public <see cref="TextClassificationOptions"/> or
/// <see cref="TextRegressionOptions"/> only, as AutoML's sweepable estimators do), fits it on the training rows with the
/// validation rows for best-epoch selection, and evaluates it. The model is the label preparation followed by the fitted
/// pipeline, so it takes the raw columns.
/// </summary>
internal sealed class TextTrialRunner(MLContext mlContext, ExperimentData data, TextTrialRunner.Settings settings)
{
    /// <summary>What every trial shares.</summary>
    public sealed record Settings(TextAutoMLTask Task, TextAutoMLMetric Metric, string LabelColumn, string TextColumn, string? TextPairColumn,
        string? TokenizerFolder, int TokenizerVocabularySize, int Seed);

    /// <summary>The trial's row and, when it completed, its model (the caller disposes it) and evaluation.</summary>
    public sealed record Outcome(TrialResult Result, ITransformer? Model, ValidationEvaluation? Evaluation, bool FirstEpochPartial);

    /// <summary>Runs the trial. Exceptions other than the caller's cancellation become a failed row.</summary>
    /// <param name="id">The trial id.</param>
    /// <param name="parameter">The hyperparameters.</param>
    /// <param name="budget">The time budget: ends training early, keeping the best epoch.</param>
    /// <param name="prune">Also ends training early (the pruner); the row says which of the two stopped it.</param>
    /// <param name="onProgress">Receives the trainer's progress reports.</param>
    /// <param name="onEpoch">Receives each finished epoch.</param>
    /// <param name="cancellationToken">Cancels the trial: throws <see cref="OperationCanceledException"/>.</param>
    public Outcome Run(int id, Parameter parameter, CancellationToken budget, CancellationToken prune, Action<TrainingProgress> onProgress,
        Action<TrialEpoch> onEpoch, CancellationToken cancellationToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(budget, prune);
        var stop = stopping.Token;
        var clock = Stopwatch.StartNew();
        using var memory = new PeakMemoryProbe();
        var recorder = new TrialEpochRecorder(onProgress, onEpoch, clock);
        ITransformer? fitted = null;
        try
        {
            var estimator = BuildPipeline(parameter, recorder, stop, cancellationToken);
            fitted = estimator.Fit(data.Train);
            var evaluation = MetricCalculator.Evaluate(fitted.Transform(data.Validation), settings.Task, settings.LabelColumn, "Score", data.ClassNames);
            var metric = evaluation.Metrics.GetValueOrDefault(settings.Metric, double.NaN);
            var model = new TransformerChain<ITransformer>(data.LabelPreparation, fitted);
            var result = new TrialResult
            {
                Id = id, Parameter = parameter, Status = TrialStatus.Completed, Metric = metric,
                Loss = MetricRules.Loss(settings.Metric, metric), Metrics = evaluation.Metrics, Epochs = recorder.Epochs,
                Duration = clock.Elapsed, PeakMemoryBytes = memory.PeakBytes, StoppedByBudget = budget.IsCancellationRequested,
                StoppedEarly = prune.IsCancellationRequested && !budget.IsCancellationRequested,
            };
            return new Outcome(result, model, evaluation, recorder.FirstEpochPartial);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            (fitted as IDisposable)?.Dispose();
            throw;
        }
        catch (Exception e)
        {
            (fitted as IDisposable)?.Dispose();
            var result = new TrialResult
            {
                Id = id, Parameter = parameter, Status = TrialStatus.Failed, Epochs = recorder.Epochs, Duration = clock.Elapsed,
                PeakMemoryBytes = memory.PeakBytes, Error = $"{e.GetType().Name}: {e.Message}",
            };
            return new Outcome(result, null, null, false);
        }
    }

    /// <summary>The trial's estimator: the DeBERTa step (and MapKeyToValue of the predicted class), options from the parameter.</summary>
    public IEstimator<ITransformer> BuildPipeline(Parameter parameter, IProgress<TrainingProgress>? progress, CancellationToken stop, CancellationToken cancellationToken)
    {
        TextTrainerOptions options = settings.Task == TextAutoMLTask.Regression ? new TextRegressionOptions() : new TextClassificationOptions();
        options.TextColumnName = settings.TextColumn;
        options.TextPairColumnName = settings.TextPairColumn;
        options.LabelColumnName = settings.LabelColumn;
        var model = parameter.Contains(nameof(DebertaSearchOptions.Model)) ? parameter.GetString(nameof(DebertaSearchOptions.Model)) : ScratchModelSizes.Tiny;
        HyperparameterSpace.ApplyTo(options, new Parameter(parameter.Names.Where(n => n != nameof(DebertaSearchOptions.Model)).Select(n => KeyValuePair.Create(n, parameter[n]))));
        if (ScratchModelSizes.IsSize(model))
        {
            options.Config = ScratchModelSizes.Config(model, settings.TokenizerVocabularySize);
            options.TokenizerFolder = settings.TokenizerFolder;
        }
        else
        {
            options.ModelFolder = model;
            options.TokenizerFolder = settings.TokenizerFolder;
            options.ReinitializeHead = true;
        }
        options.Seed = settings.Seed;
        options.ValidationSet = data.Validation;
        options.Progress = progress;
        options.StopTrainingToken = stop;
        options.CancellationToken = cancellationToken;
        if (options is TextRegressionOptions regression)
            return mlContext.Transforms.Deberta.TextRegression(regression);
        return mlContext.Transforms.Deberta.TextClassification((TextClassificationOptions)options)
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
    }
}
