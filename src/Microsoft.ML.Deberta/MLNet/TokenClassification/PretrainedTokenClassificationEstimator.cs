using Microsoft.ML.Data;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// The estimator of <c>ApplyTokenClassificationModel</c>: scores with a fine-tuned Hugging Face token-classification
/// checkpoint as it is. The key values of <c>PredictedLabel</c> are the checkpoint's id2label.
/// </summary>
internal sealed class PretrainedTokenClassificationEstimator : IEstimator<StructuredScoringTransformer>
{
    private const string Method = "ApplyTokenClassificationModel";
    private readonly DebertaCatalog _catalog;
    private readonly string _folder;
    private readonly string? _tokenizerFolder;
    private readonly string _textColumn;
    private readonly TokenClassificationEncoding _encoding;
    private readonly TokenClassificationColumns _columns;

    public PretrainedTokenClassificationEstimator(DebertaCatalog catalog, string modelFolder, string? tokenizerFolder, string textColumn,
        TokenClassificationEncoding encoding)
    {
        _catalog = catalog;
        _folder = Path.GetFullPath(modelFolder);
        _tokenizerFolder = tokenizerFolder;
        _textColumn = textColumn;
        _encoding = encoding;
        if (!Directory.Exists(_folder))
            throw new DirectoryNotFoundException($"{Method}: the model folder '{_folder}' does not exist.");
        var config = DebertaConfig.Load(_folder);
        var architecture = config.Architectures.FirstOrDefault();
        if (architecture is null || !architecture.EndsWith(TrainingStart.TokenClassification, StringComparison.Ordinal))
            throw new ArgumentException(
                $"{Method}: '{_folder}' is {(architecture is null ? "a checkpoint without a task head" : $"a {architecture} checkpoint")}; " +
                "NER without training needs a fine-tuned …ForTokenClassification checkpoint (train one with TokenClassification).",
                nameof(modelFolder));
        if (config.PositionBiasedInput && encoding.MaxLength > config.MaxPositionEmbeddings)
            throw new ArgumentException($"{Method}: maxLength {encoding.MaxLength} exceeds the model's max_position_embeddings {config.MaxPositionEmbeddings}.", "maxLength");
        var names = CheckpointClassNames.Of(config);
        CheckpointClassNames.RequireDistinct(names, Method, _folder);
        _columns = new TokenClassificationColumns(LabelKeyValues.FromText(TextDataViewType.Instance, names));
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnRules.RequireText(inputSchema, _textColumn, "text");
        return SchemaShapes.Append(inputSchema, SchemaShapes.FromColumns(_columns.CreateColumns(setId: 1)));
    }

    /// <summary>Loads the checkpoint (each fit gets its own model, owned by the transformer) and checks the column.</summary>
    public StructuredScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ColumnRules.RequireText(input.Schema, _textColumn, "text");
        TokenClassificationScorer scorer;
        using (var channel = _catalog.Environment.Start(Method))
            scorer = TokenClassificationScorer.Open(_folder, _tokenizerFolder, _encoding, Method, warning => channel.Warning(MessageSensitivity.None, warning));
        return new StructuredScoringTransformer(new RowScoring<TokenClassificationRow>(scorer, _columns, new TextColumns(_textColumn), _encoding.InferenceBatchSize));
    }
}
