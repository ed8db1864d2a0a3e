using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta;

/// <summary>
/// A fitted DeBERTa text model as an ML.NET transformer: reads one text column (or a pair) and adds prediction
/// columns (<c>Score</c>, <c>PredictedLabel</c>, and <c>Probability</c> for binary labels) that ML.NET's evaluators
/// and <c>MapKeyToValue</c> understand. Immutable after Fit.
/// </summary>
/// <remarks>
/// <para><see cref="Transform"/> is lazy and scores in batches as rows are read; a <c>PredictionEngine</c> scores
/// one row at a time. Forward passes are serialised per model, so several prediction engines (one per thread)
/// may share one transformer.</para>
/// <para>Save with <c>DebertaModelIO.Save</c> (or plain <c>mlContext.Model.Save</c>) and load with
/// <c>DebertaModelIO.Load</c>: plain <c>mlContext.Model.Load</c> cannot rebuild the step. Dispose the transformer (or the chain holding it) to free the model. A
/// <c>PredictionEngine</c> created with default options disposes its transformer when it is disposed; pass
/// <c>PredictionEngineOptions { OwnsTransformer = false }</c> when engines share a model.</para>
/// </remarks>
public sealed class TextScoringTransformer : ITransformer, IDisposable, IDebertaPipelineStep, IRowScoring<float[]>
{
    private readonly object _forwardLock = new();
    private IDebertaTextScorer? _scorer;

    internal TextScoringTransformer(IHostEnvironment environment, IDebertaTextScorer scorer, TextColumns columns,
        PredictionColumns predictions, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (!predictions.AcceptsOutputSize(scorer.OutputSize))
            throw new ArgumentException(
                $"The model gives {scorer.OutputSize} output(s) per row, but {predictions.Kind} prediction columns need {predictions.ExpectedOutputSize}.",
                nameof(scorer));
        Environment = environment;
        _scorer = scorer;
        PayloadKind = scorer.PayloadKind;
        OutputSize = scorer.OutputSize;
        Columns = columns;
        Predictions = predictions;
        BatchSize = batchSize;
    }

    internal IHostEnvironment Environment { get; }

    internal TextColumns Columns { get; }

    internal PredictionColumns Predictions { get; }

    /// <summary>Rows per forward pass in <see cref="Transform"/>.</summary>
    internal int BatchSize { get; }

    internal string PayloadKind { get; }

    /// <summary>The model behind this transformer (tests and diagnostics; calls must go through <see cref="Score"/>).</summary>
    internal IDebertaTextScorer Scorer => Volatile.Read(ref _scorer) ?? throw Disposed();

    string IDebertaPipelineStep.PayloadKind => PayloadKind;

    string IDebertaPipelineStep.StepKind => PipelineStepKinds.TextScoring;

    internal int OutputSize { get; }

    TextColumns IRowScoring<float[]>.Columns => Columns;

    int IRowScoring<float[]>.BatchSize => BatchSize;

    IRowOutputColumns<float[]> IRowScoring<float[]>.Outputs => Predictions;

    IReadOnlyList<float[]> IRowScoring<float[]>.ScoreRows(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) => Score(texts, pairs);

    bool ITransformer.IsRowToRowMapper => true;

    /// <summary>The schema <see cref="Transform"/> produces: the input columns followed by the prediction columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A text column is missing or not text.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new ScoringBinding<float[]>(this, inputSchema).OutputSchema;
    }

    /// <summary>Adds the prediction columns, lazily: rows are scored in batches while a cursor reads them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A text column is missing or not text.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ThrowIfDisposed();
        return new ScoringDataView<float[]>(new ScoringBinding<float[]>(this, input.Schema), input);
    }

    IRowToRowMapper ITransformer.GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ThrowIfDisposed();
        return new ScoringRowMapper<float[]>(new ScoringBinding<float[]>(this, inputSchema));
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => DebertaSaveScope.SaveStep(this, ctx);

    /// <summary>
    /// Scores one batch: prepares it (tokenizes) outside this model's lock, so that other cursors and engines can run
    /// forward passes meanwhile, then runs the forward pass under the lock and checks what the model returned.
    /// </summary>
    internal float[][] Score(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs)
    {
        var prepared = Scorer.PrepareBatch(texts, pairs);
        float[][] outputs;
        lock (_forwardLock)
            outputs = (_scorer ?? throw Disposed()).ScoreBatch(texts, pairs, prepared);
        if (outputs is null || outputs.Length != texts.Count || outputs.Any(o => o is null || o.Length != OutputSize))
            throw new InvalidOperationException(
                $"The model returned outputs of the wrong shape for a batch of {texts.Count} rows (expected {OutputSize} values per row).");
        return outputs;
    }

    /// <summary>Writes the model's payload (see <see cref="IDebertaScorer.SavePayload"/>) under this model's lock.</summary>
    internal void SavePayload(string folder)
    {
        lock (_forwardLock)
            (_scorer ?? throw Disposed()).SavePayload(folder);
    }

    /// <summary>The step folder: <c>transformer.json</c> (columns, outputs, labels) and the model payload in <c>model/</c>.</summary>
    void IDebertaPipelineStep.WriteStep(string folder)
    {
        SavePayload(Directory.CreateDirectory(Path.Combine(folder, ModelFolderName)).FullName);
        StepSettings.From(this).Write(Path.Combine(folder, StepSettings.FileName));
    }

    /// <summary>Rebuilds a step from the folder <see cref="IDebertaPipelineStep.WriteStep"/> wrote.</summary>
    internal static TextScoringTransformer ReadStep(IHostEnvironment environment, string folder, string where,
        IReadOnlyList<IDebertaTextScorerLoader> loaders)
    {
        var settings = StepSettings.Read(Path.Combine(folder, StepSettings.FileName), where);
        var loader = TextScorerLoaders.Find(loaders, settings.PayloadKind, where);
        var scorer = loader.Load(Path.Combine(folder, ModelFolderName));
        try
        {
            if (scorer.OutputSize != settings.OutputSize)
                throw new InvalidDataException($"{where}: the model gives {scorer.OutputSize} outputs per row; {settings.OutputSize} were saved.");
            return new TextScoringTransformer(environment, scorer, settings.Columns, settings.Predictions(), settings.BatchSize);
        }
        catch
        {
            scorer.Dispose();
            throw;
        }
    }

    private const string ModelFolderName = "model";

    /// <summary>Frees the model. Later use throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_forwardLock)
        {
            _scorer?.Dispose();
            _scorer = null;
        }
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _scorer) is null)
            throw Disposed();
    }

    private static ObjectDisposedException Disposed() => new(nameof(TextScoringTransformer),
        "This DeBERTa model was disposed. Note that a PredictionEngine created with default options disposes its model " +
        "when it is disposed; use PredictionEngineOptions { OwnsTransformer = false } to share a model between engines.");
}
