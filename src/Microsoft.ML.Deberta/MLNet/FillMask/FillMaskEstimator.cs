using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The estimator of <c>FillMask</c>: checks the text column and, at <see cref="Fit"/>, loads the masked LM with its
/// trained head (<see cref="MaskedLMCheckpoint.LoadTrained"/>: an untrained head is an error, not random output).
/// </summary>
internal sealed class FillMaskEstimator(DebertaCatalog catalog, PretrainedFolder folder, string textColumn, FillMaskColumns columns,
    FillMaskPayloadSettings settings) : IEstimator<StructuredScoringTransformer>
{
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnRules.RequireText(inputSchema, textColumn, "text");
        return SchemaShapes.Append(inputSchema, SchemaShapes.FromColumns(columns.CreateColumns(setId: 1)));
    }

    public StructuredScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ColumnRules.RequireText(input.Schema, textColumn, "text");
        var tokenizer = folder.LoadTokenizer();
        using var channel = catalog.StartChannel(folder.Method);
        var model = MaskedLMCheckpoint.LoadTrained(folder.Folder,
            new CheckpointLoadOptions { Log = warning => channel.Warning(MessageSensitivity.None, warning) });
        try
        {
            var scorer = new FillMaskScorer(tokenizer, model, settings);
            foreach (var warning in scorer.TargetWarnings)
                channel.Warning(MessageSensitivity.None, warning);
            return new StructuredScoringTransformer(new RowScoring<FillMaskRow>(scorer, columns, new TextColumns(textColumn), settings.BatchSize));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
