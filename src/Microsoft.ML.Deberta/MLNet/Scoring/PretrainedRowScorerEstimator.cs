using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The estimator of a structured step that scores with a ready model, without training (fill-mask, zero-shot with
/// per-row labels): checks the text columns and, at <see cref="Fit"/>, loads the model (every fit its own).
/// </summary>
/// <typeparam name="TRow">The prediction for one row.</typeparam>
internal sealed class PretrainedRowScorerEstimator<TRow>(DebertaCatalog catalog, string method, TextColumns columns, ITaskOutputColumns<TRow> outputs,
    int batchSize, Func<IChannel, IDebertaRowScorer<TRow>> load) : IEstimator<StructuredScoringTransformer>
{
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnRules.RequireText(inputSchema, columns);
        return SchemaShapes.Append(inputSchema, SchemaShapes.FromColumns(outputs.CreateColumns(setId: 1)));
    }

    public StructuredScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ColumnRules.RequireText(input.Schema, columns);
        IDebertaRowScorer<TRow> scorer;
        using (var channel = catalog.StartChannel(method))
            scorer = load(channel);
        try
        {
            return new StructuredScoringTransformer(new RowScoring<TRow>(scorer, outputs, columns, batchSize));
        }
        catch
        {
            scorer.Dispose();
            throw;
        }
    }
}
