using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The estimator of <c>ApplyTextModel</c>: scores with a fine-tuned Hugging Face sequence-classification checkpoint as
/// it is, without training. Classification checkpoints give multiclass outputs whose class names (the key values of
/// <c>PredictedLabel</c>, the slot names of <c>Score</c>) are the checkpoint's id2label; a num_labels 1 or regression
/// checkpoint gives a regression <c>Score</c>.
/// </summary>
internal sealed class PretrainedTextModelEstimator : IEstimator<TextScoringTransformer>
{
    private readonly DebertaCatalog _catalog;
    private readonly string _folder;
    private readonly string? _tokenizerFolder;
    private readonly TextColumns _columns;
    private readonly TextEncodingSettings _encoding;
    private readonly int _batchSize;
    private readonly PredictionColumns _predictions;

    public PretrainedTextModelEstimator(DebertaCatalog catalog, string modelFolder, string? tokenizerFolder, TextColumns columns,
        TextEncodingSettings encoding, int batchSize)
    {
        const string Method = "ApplyTextModel";
        _catalog = catalog;
        _folder = Path.GetFullPath(modelFolder);
        _tokenizerFolder = tokenizerFolder;
        _columns = columns;
        _encoding = encoding;
        _batchSize = batchSize;
        if (!Directory.Exists(_folder))
            throw new DirectoryNotFoundException(
                $"{Method}: the model folder '{_folder}' does not exist. Check the path (a relative path starts from '{Environment.CurrentDirectory}').");
        var config = DebertaConfig.Load(_folder);
        var architecture = config.Architectures.FirstOrDefault();
        if (architecture is null || !architecture.EndsWith("ForSequenceClassification", StringComparison.Ordinal))
            throw new ArgumentException(
                $"{Method}: '{_folder}' is {(architecture is null ? "a checkpoint without a task head" : $"a {architecture} checkpoint")}; " +
                "scoring without training needs a fine-tuned …ForSequenceClassification checkpoint (train one with TextClassification or TextRegression).",
                nameof(modelFolder));
        if (config.ProblemType == ProblemType.MultiLabelClassification)
            throw new NotSupportedException($"{Method}: '{_folder}' is a multi-label classifier, which this step does not score.");
        bool regression = config.ProblemType == ProblemType.Regression || config.NumLabels == 1;
        if (config.PositionBiasedInput && encoding.MaxLength > config.MaxPositionEmbeddings)
            throw new ArgumentException($"{Method}: maxLength {encoding.MaxLength} exceeds the model's max_position_embeddings {config.MaxPositionEmbeddings}.", "maxLength");
        var names = new OutputColumnNames();
        if (regression)
        {
            _predictions = PredictionColumns.Regression(names);
            return;
        }
        var classNames = CheckpointClassNames.Of(config);
        CheckpointClassNames.RequireDistinct(classNames, Method, _folder);
        _predictions = PredictionColumns.Multiclass(names, config.NumLabels, LabelKeyValues.FromText(TextDataViewType.Instance, classNames));
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnRules.RequireText(inputSchema, _columns.Text, "text");
        if (_columns.Pair is { } pair)
            ColumnRules.RequireText(inputSchema, pair, "second text");
        return SchemaShapes.Append(inputSchema, SchemaShapes.FromColumns(_predictions.CreateColumns(setId: 1)));
    }

    /// <summary>Loads the checkpoint (every fit gets its own model, owned by the transformer) and checks the columns.</summary>
    public TextScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ColumnRules.RequireText(input.Schema, _columns.Text, "text");
        if (_columns.Pair is { } pair)
            ColumnRules.RequireText(input.Schema, pair, "second text");
        var tokenizer = _tokenizerFolder is null
            ? TokenizerFiles.Load(_folder, "ApplyTextModel: the model folder", "pass the folder that holds them as ApplyTextModel's tokenizerFolder argument")
            : TokenizerFiles.Load(_tokenizerFolder, "ApplyTextModel: the tokenizerFolder");
        DebertaForSequenceClassification model;
        CheckpointLoadReport report;
        using (var channel = _catalog.Environment.Start("ApplyTextModel"))
        {
            // A checkpoint of another head is said in the MLContext log (transformers' wording) before the error below.
            model = DebertaCheckpoint.Load<DebertaForSequenceClassification>(_folder, out report,
                new CheckpointLoadOptions { Log = warning => channel.Warning(MessageSensitivity.None, warning) });
        }
        try
        {
            if (report.NewlyInitializedKeys.Count > 0)
                throw new InvalidDataException(
                    $"ApplyTextModel: '{_folder}' lacks the head weights {string.Join(", ", report.NewlyInitializedKeys)}; it is not a fine-tuned classifier.");
            return new TextScoringTransformer(_catalog.Environment, new DebertaTextScorer(tokenizer, model, _encoding, _batchSize),
                _columns, _predictions, _batchSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
