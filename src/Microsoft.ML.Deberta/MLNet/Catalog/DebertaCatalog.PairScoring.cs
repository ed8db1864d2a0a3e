using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta;

public sealed partial class DebertaCatalog
{
    /// <summary>
    /// Scores (query, passage) pairs with a cross-encoder: a sequence-classification checkpoint with a single logit
    /// (a reranker, a relevance or guard model). Adds a Single <c>Score</c>: the raw logit, or its sigmoid with
    /// <paramref name="sigmoid"/>. Order passages per query with <see cref="TextPairRanking"/>.
    /// </summary>
    /// <param name="modelFolder">A sequence-classification checkpoint folder with num_labels 1, with its tokenizer files.</param>
    /// <param name="queryColumnName">The first text of a pair.</param>
    /// <param name="passageColumnName">The second text of a pair.</param>
    /// <param name="sigmoid">Score with the sigmoid of the logit instead of the logit.</param>
    /// <param name="maxLength">Tokens per pair.</param>
    /// <param name="batchSize">Pairs per forward pass.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">The checkpoint is not a single-logit sequence classifier, or a setting is out of range.</exception>
    public IEstimator<TextScoringTransformer> TextPairScoring(string modelFolder, string queryColumnName = "Query", string passageColumnName = "Passage",
        bool sigmoid = false, int maxLength = 512, int batchSize = 32) =>
        TextPairScoring(new TextPairScoringOptions
        {
            ModelFolder = modelFolder, QueryColumnName = queryColumnName, PassageColumnName = passageColumnName, Sigmoid = sigmoid,
            MaxLength = maxLength, BatchSize = batchSize,
        });

    /// <summary>Text-pair scoring; see <see cref="TextPairScoringOptions"/> and the flat overload.</summary>
    /// <param name="options">The checkpoint, columns and encoding.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">The checkpoint is not a single-logit sequence classifier, or a setting is out of range.</exception>
    public IEstimator<TextScoringTransformer> TextPairScoring(TextPairScoringOptions options)
    {
        const string Method = nameof(TextPairScoring);
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Snapshot();
        ArgumentException.ThrowIfNullOrWhiteSpace(o.PassageColumnName, nameof(o.PassageColumnName));
        TextTrainerOptionsRules.AtLeast(o.BatchSize, 1, nameof(o.BatchSize), Method);
        PrecisionRules.Check(o.InferencePrecision, nameof(o.InferencePrecision), Method);
        var encoding = EncodingRules.Check(Method, o.MaxLength, LongTextStrategy.Truncate, null, pair: true);
        var folder = PretrainedFolder.Open(Method, o.ModelFolder, o.TokenizerFolder, o.MaxLength);
        var config = folder.Config;
        if (config.Architectures.FirstOrDefault() is not { } architecture || !architecture.EndsWith("ForSequenceClassification", StringComparison.Ordinal)
            || config.NumLabels != 1)
            throw new ArgumentException($"{Method}: '{folder.Folder}' is not a single-logit cross-encoder (architecture " +
                $"{config.Architectures.FirstOrDefault() ?? "none"}, {config.NumLabels} label(s)); a classifier with several labels scores pairs " +
                "with ApplyTextModel(folder, textColumnName, textPairColumnName).", nameof(options));
        var predictions = PredictionColumns.Regression(new OutputColumnNames(o.ScoreColumnName), o.Sigmoid ? ScoreActivation.Sigmoid : ScoreActivation.Default);
        return new PretrainedScorerEstimator(this, Method, new TextColumns(o.QueryColumnName, o.PassageColumnName), predictions, o.BatchSize,
            channel => new DebertaTextScorer(folder.LoadTokenizer(), folder.LoadModel<DebertaForSequenceClassification>(channel, "a fine-tuned cross-encoder", o.InferencePrecision),
                encoding, o.BatchSize));
    }
}
