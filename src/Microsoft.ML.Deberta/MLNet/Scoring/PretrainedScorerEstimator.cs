using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The estimator of a step that scores with a ready model, without training (embeddings, zero-shot, pair scoring):
/// checks the text columns and, at <see cref="Fit"/>, loads the model (every fit gets its own, owned by the
/// transformer). Settings are checked by the catalog method before this is built.
/// </summary>
internal sealed class PretrainedScorerEstimator : IEstimator<TextScoringTransformer>
{
    private readonly DebertaCatalog _catalog;
    private readonly string _method;
    private readonly TextColumns _columns;
    private readonly PredictionColumns _predictions;
    private readonly int _batchSize;
    private readonly Func<IChannel, IDebertaTextScorer> _load;

    /// <param name="catalog">The owning catalog (environment and log).</param>
    /// <param name="method">The catalog method, for the log channel's name.</param>
    /// <param name="columns">The text column(s) read.</param>
    /// <param name="predictions">The columns added.</param>
    /// <param name="batchSize">Rows per batch read by a cursor.</param>
    /// <param name="load">Loads the model; warnings go to the channel (the MLContext log).</param>
    public PretrainedScorerEstimator(DebertaCatalog catalog, string method, TextColumns columns, PredictionColumns predictions,
        int batchSize, Func<IChannel, IDebertaTextScorer> load)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _catalog = catalog;
        _method = method;
        _columns = columns;
        _predictions = predictions;
        _batchSize = batchSize;
        _load = load;
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnRules.RequireText(inputSchema, _columns);
        return SchemaShapes.Append(inputSchema, SchemaShapes.FromColumns(_predictions.CreateColumns(setId: 1)));
    }

    public TextScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ColumnRules.RequireText(input.Schema, _columns);
        IDebertaTextScorer scorer;
        using (var channel = _catalog.StartChannel(_method))
            scorer = _load(channel);
        try
        {
            return new TextScoringTransformer(_catalog.Environment, scorer, _columns, _predictions, _batchSize);
        }
        catch
        {
            scorer.Dispose();
            throw;
        }
    }
}
