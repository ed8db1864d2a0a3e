namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// A Model Builder-style sweep over DeBERTa text models, shaped like Microsoft.ML.AutoML's <c>AutoMLExperiment</c>:
/// set the data, the task and metric, the budgets and the tuner, then <see cref="RunAsync"/>. Every argument and the
/// data's columns are checked before the first trial; a trial that throws is recorded and the sweep goes on; when the
/// time budget ends during a trial, that trial stops and keeps its best epoch, so a run that started a trial always
/// returns a model.
/// </summary>
/// <example><code>
/// var experiment = new TextAutoMLExperiment(mlContext)
///     .SetDataset(data, validationFraction: 0.2)
///     .SetColumns(labelColumn: "Sentiment", textColumn: "Text")
///     .SetTask(TextAutoMLTask.BinaryClassification)
///     .SetSearchSpace(DebertaSearchSpaces.FromScratch(), tokenizerFolder: "tokenizer")
///     .SetTrainingTimeInSeconds(180);
/// using var result = await experiment.RunAsync();
/// DebertaModelIO.Save(mlContext, result.BestModel, data.Schema, "model.zip");
/// </code></example>
public sealed class TextAutoMLExperiment
{
    internal readonly MLContext MLContext;
    internal IDataView? Train, Validation;
    internal double ValidationFraction = 0.2;
    internal string LabelColumn = "Label", TextColumn = "Text";
    internal string? TextPairColumn, TokenizerFolder;
    internal TextAutoMLTask Task = TextAutoMLTask.MulticlassClassification;
    internal TextAutoMLMetric? Metric;
    internal HyperparameterSpace Space = DebertaSearchSpaces.FromScratch();
    internal double? TimeBudgetSeconds;
    internal int? MaxTrials;
    internal Func<HyperparameterSpace, int, ITuner> TunerFactory = (space, seed) => new CostFrugalTuner(space, seed);
    internal int Seed;
    internal IProgress<ExperimentEvent>? Monitor;
    internal ExperimentCheckpoint? Checkpoint;
    internal ITrialPruner? Pruner;

    /// <summary>Creates an experiment; its seed is <paramref name="seed"/> (every trial trains with it, every tuner draws from it).</summary>
    public TextAutoMLExperiment(MLContext mlContext, int seed = 0)
    {
        MLContext = mlContext ?? throw new ArgumentNullException(nameof(mlContext));
        Seed = seed;
    }

    /// <summary>Trains on <paramref name="train"/> and picks epochs and trials by their metric on <paramref name="validation"/>.</summary>
    public TextAutoMLExperiment SetDataset(IDataView train, IDataView validation)
    {
        (Train, Validation) = (train ?? throw new ArgumentNullException(nameof(train)), validation ?? throw new ArgumentNullException(nameof(validation)));
        return this;
    }

    /// <summary>Splits <paramref name="data"/> with the seed: <paramref name="validationFraction"/> of the rows validate, the rest train.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in (0, 1).</exception>
    public TextAutoMLExperiment SetDataset(IDataView data, double validationFraction = 0.2)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must lie strictly between 0 and 1, e.g. 0.2.");
        (Train, Validation, ValidationFraction) = (data ?? throw new ArgumentNullException(nameof(data)), null, validationFraction);
        return this;
    }

    /// <summary>The label column, the text column and, for pairs, the second text column.</summary>
    public TextAutoMLExperiment SetColumns(string labelColumn, string textColumn, string? textPairColumn = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(labelColumn);
        ArgumentException.ThrowIfNullOrWhiteSpace(textColumn);
        (LabelColumn, TextColumn, TextPairColumn) = (labelColumn, textColumn, textPairColumn);
        return this;
    }

    /// <summary>The task (multiclass classification by default).</summary>
    public TextAutoMLExperiment SetTask(TextAutoMLTask task)
    {
        Task = Enum.IsDefined(task) ? task : throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown task.");
        return this;
    }

    /// <summary>The metric to optimise (accuracy for classification, RMSE for regression by default); its direction is <see cref="MetricRules.IsMaximized"/>.</summary>
    public TextAutoMLExperiment SetMetric(TextAutoMLMetric metric)
    {
        Metric = Enum.IsDefined(metric) ? metric : throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric.");
        return this;
    }

    /// <summary>The search space (<see cref="DebertaSearchSpaces.FromScratch"/> by default) and the tokenizer folder the from-scratch sizes use.</summary>
    public TextAutoMLExperiment SetSearchSpace(HyperparameterSpace space, string? tokenizerFolder = null)
    {
        (Space, TokenizerFolder) = (space ?? throw new ArgumentNullException(nameof(space)), tokenizerFolder);
        return this;
    }

    /// <summary>The time budget: no trial starts after it, and a running trial stops keeping its best epoch.</summary>
    public TextAutoMLExperiment SetTrainingTimeInSeconds(double seconds)
    {
        TimeBudgetSeconds = seconds > 0 && double.IsFinite(seconds) ? seconds
            : throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "The time budget must be a positive number of seconds.");
        return this;
    }

    /// <summary>The most trials to run.</summary>
    public TextAutoMLExperiment SetMaxTrials(int count)
    {
        MaxTrials = count >= 1 ? count : throw new ArgumentOutOfRangeException(nameof(count), count, "Run at least 1 trial.");
        return this;
    }

    /// <summary>A built-in tuner (cost-frugal by default).</summary>
    public TextAutoMLExperiment SetTuner(TunerKind kind) => SetTuner(kind switch
    {
        TunerKind.CostFrugal => (space, seed) => new CostFrugalTuner(space, seed),
        TunerKind.Random => (space, seed) => new RandomSearchTuner(space, seed),
        TunerKind.Grid => (space, seed) => new GridSearchTuner(space, 3, seed),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown tuner."),
    });

    /// <summary>A custom tuner, created for the search space and seed when the run starts.</summary>
    public TextAutoMLExperiment SetTuner(Func<HyperparameterSpace, int, ITuner> factory)
    {
        TunerFactory = factory ?? throw new ArgumentNullException(nameof(factory));
        return this;
    }

    /// <summary>
    /// Stops poor trials early: after each epoch the pruner compares the trial with the others at that epoch
    /// (<see cref="SuccessiveHalvingPruner"/>: ASHA over epochs). A pruned trial keeps its best epoch. Off by default.
    /// </summary>
    public TextAutoMLExperiment SetPruner(ITrialPruner pruner)
    {
        Pruner = pruner ?? throw new ArgumentNullException(nameof(pruner));
        return this;
    }

    /// <summary>Receives trial started / progress / completed / failed / new best events, on the training thread.</summary>
    public TextAutoMLExperiment SetMonitor(IProgress<ExperimentEvent> monitor)
    {
        Monitor = monitor ?? throw new ArgumentNullException(nameof(monitor));
        return this;
    }

    /// <summary>
    /// Keeps the experiment in <paramref name="folder"/>: every trial as it happens (in <paramref name="store"/>, by default
    /// a <see cref="SqliteTrialStore"/> at <c>trials.db</c>) and the best model (<c>best-model.zip</c>). Running again with
    /// the same folder resumes: completed and failed trials are read back and replayed into the tuner, not rerun; a trial
    /// a killed run left unfinished is run again. A store written with another search space or settings is refused.
    /// </summary>
    public TextAutoMLExperiment SetCheckpoint(string folder, ITrialStore? store = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Checkpoint = new ExperimentCheckpoint(folder, store ?? new SqliteTrialStore(Path.Combine(folder, "trials.db")));
        return this;
    }

    /// <summary>Runs the sweep until a budget ends, the tuner has nothing left, or <paramref name="cancellationToken"/> fires.</summary>
    /// <returns>The best model, its metrics and the trial table.</returns>
    /// <exception cref="ArgumentException">The data's columns, the metric or the search space do not fit (before any trial).</exception>
    /// <exception cref="InvalidOperationException">No dataset or budget was set, or every trial failed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before any trial completed (otherwise the best so far is returned).</exception>
    public Task<ExperimentResult> RunAsync(CancellationToken cancellationToken = default) =>
        System.Threading.Tasks.Task.Factory.StartNew(() => new ExperimentLoop(this).Run(cancellationToken), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
