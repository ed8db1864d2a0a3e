using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta;

/// <summary>
/// Fits a DeBERTa NER model on a text column and a label column of one key per whitespace-separated word, giving a
/// <see cref="StructuredScoringTransformer"/> whose outputs are described in <see cref="TokenClassificationOptions"/>.
/// Checks columns and every row (empty texts, label counts, tags outside the key set) before training starts.
/// </summary>
public sealed class TokenClassificationEstimator : IEstimator<StructuredScoringTransformer>
{
    private readonly DebertaCatalog _catalog;
    private readonly TokenClassificationOptions _options;
    private readonly NerTrainer _trainer;
    private readonly int _seed;

    internal TokenClassificationEstimator(DebertaCatalog catalog, TokenClassificationOptions options, string method)
    {
        _catalog = catalog;
        _options = options;
        _trainer = new NerTrainer(options, method);
        // Drawn now, so fitting the same estimator twice trains the same model.
        _seed = options.Seed ?? catalog.NextSeed();
    }

    /// <summary>The output shape: the input plus the NER columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnRules.RequireText(inputSchema, _options.TextColumnName, "text");
        var labels = WordLabelColumn.Require(inputSchema, _options.LabelColumnName);
        return SchemaShapes.Append(inputSchema, SchemaShapes.FromColumns(Columns(labels).CreateColumns(setId: 1)));
    }

    /// <summary>Reads and checks the data, trains, and returns the fitted transformer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    /// <exception cref="InvalidDataException">A row cannot be trained on (the message names it).</exception>
    /// <exception cref="OperationCanceledException">The options' token was cancelled.</exception>
    public StructuredScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var labels = Plan(input.Schema);
        if (_options.ValidationSet is { } validation && !Plan(validation.Schema).SameAs(labels))
            throw new ArgumentOutOfRangeException(nameof(TextTrainerOptions.ValidationSet),
                "The validation set's tags are not the training data's; map both with the same fitted MapValueToKey.");
        _trainer.CheckLabels(labels.Names);

        using var channel = _catalog.StartChannel("Fit");
        var ct = _options.CancellationToken;
        var train = WordLabelReader.Read(input, _options.TextColumnName, _options.LabelColumnName, "training data", ct);
        var validationRows = _options.ValidationSet is { } v
            ? WordLabelReader.Read(v, _options.TextColumnName, _options.LabelColumnName, "validation data", ct) : ((string[], int[][])?)null;
        channel.Info(MessageSensitivity.None, $"NER: {train.Texts.Length} training rows, {labels.Count} tags, seed {_seed}.");
        var scorer = _trainer.Train(labels.Names, train, validationRows, channel, _seed, ct);
        try
        {
            return new StructuredScoringTransformer(new RowScoring<TokenClassificationRow>(scorer, Columns(labels),
                new TextColumns(_options.TextColumnName), _options.InferenceBatchSize));
        }
        catch
        {
            scorer.Dispose();
            throw;
        }
    }

    private LabelKeyValues Plan(DataViewSchema schema)
    {
        ColumnRules.RequireText(schema, _options.TextColumnName, "text");
        return WordLabelColumn.Require(schema, _options.LabelColumnName);
    }

    private TokenClassificationColumns Columns(LabelKeyValues labels) =>
        new(labels, _options.PredictedLabelColumnName, _options.ScoreColumnName, _options.EntityColumnPrefix);
}
