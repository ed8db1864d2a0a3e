using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta;

/// <summary>
/// Fits a DeBERTa text model on one text column (or a pair) and a label, giving a <see cref="TextScoringTransformer"/>.
/// Checks columns, types and every row (missing labels, empty texts) before training starts.
/// </summary>
public sealed class TextScoringEstimator : IEstimator<TextScoringTransformer>
{
    private readonly DebertaCatalog _catalog;
    private readonly TextScoringSettings _settings;
    private readonly IDebertaTextTrainer _trainer;
    private readonly int _seed;

    internal TextScoringEstimator(DebertaCatalog catalog, TextScoringSettings settings, IDebertaTextTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.InferenceBatchSize, 1);
        _catalog = catalog;
        _settings = settings;
        _trainer = trainer;
        // Drawn now, so fitting the same estimator twice trains the same model.
        _seed = settings.Seed ?? catalog.NextSeed();
    }

    /// <summary>The output shape: the input plus the prediction columns, with their key and annotation shapes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnRules.RequireText(inputSchema, _settings.Columns);
        var predictions = ColumnRules.ForLabel(inputSchema, _settings.LabelColumn, _settings.Task, _settings.Outputs, _settings.BinaryLayout);
        return SchemaShapes.Append(inputSchema, SchemaShapes.FromColumns(predictions.CreateColumns(setId: 1)));
    }

    /// <summary>Reads and checks the data, trains, and returns the fitted transformer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    /// <exception cref="InvalidDataException">A row cannot be trained on (the message names it).</exception>
    /// <exception cref="OperationCanceledException">The settings' token was cancelled.</exception>
    public TextScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var predictions = Plan(input.Schema);
        var validation = _settings.ValidationSet;
        if (validation is not null)
            CheckSameLabels(predictions, Plan(validation.Schema));
        _trainer.CheckTask(predictions.Task, predictions.ClassCount, predictions.ClassNames);

        using var channel = _catalog.StartChannel("Fit");
        var ct = _settings.CancellationToken;
        var training = TextTrainingSetReader.Read(input, _settings.Columns, _settings.LabelColumn, predictions, "training data", ct);
        var validationSet = validation is null ? null
            : TextTrainingSetReader.Read(validation, _settings.Columns, _settings.LabelColumn, predictions, "validation data", ct);
        channel.Info(MessageSensitivity.None,
            $"{predictions.Kind}: {training.Count} training rows{(validationSet is null ? "" : $", {validationSet.Count} validation rows")}, seed {_seed}.");

        var scorer = _trainer.Train(training, validationSet, new TextTrainingContext(channel, _seed, ct));
        try
        {
            return new TextScoringTransformer(_catalog.Environment, scorer, _settings.Columns, predictions, _settings.InferenceBatchSize);
        }
        catch
        {
            scorer.Dispose();
            throw;
        }
    }

    private PredictionColumns Plan(DataViewSchema schema)
    {
        ColumnRules.RequireText(schema, _settings.Columns);
        return ColumnRules.ForLabel(schema, _settings.LabelColumn, _settings.Task, _settings.Outputs, _settings.BinaryLayout);
    }

    // Validation rows must mean the same classes as training rows, or per-epoch metrics would be silently wrong.
    private static void CheckSameLabels(PredictionColumns training, PredictionColumns validation)
    {
        bool same = training.Kind == validation.Kind && training.ClassCount == validation.ClassCount
            && (training.KeyValues is null || validation.KeyValues is null || training.KeyValues.SameAs(validation.KeyValues));
        if (!same)
            throw new ArgumentOutOfRangeException("validationSet",
                "The validation set's label has other classes than the training data's; map both with the same fitted MapValueToKey.");
    }
}
