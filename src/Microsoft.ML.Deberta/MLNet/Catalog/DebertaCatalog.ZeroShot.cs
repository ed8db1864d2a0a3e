using Microsoft.ML.Data;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.ZeroShot;
using Microsoft.ML.Deberta.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta;

public sealed partial class DebertaCatalog
{
    /// <summary>
    /// Classifies texts into <paramref name="candidateLabels"/> with an NLI checkpoint and no training, by transformers'
    /// <c>zero-shot-classification</c> rules: each text is the premise, each label a hypothesis from
    /// <paramref name="hypothesisTemplate"/>. Adds <c>PredictedLabel</c> (a key whose values are the labels) and
    /// <c>Score</c> (one value per label, slot names = labels), so <c>MapKeyToValue</c> and
    /// <c>MulticlassClassification.Evaluate</c> work. All text × label pairs of a batch go through the model together.
    /// </summary>
    /// <param name="modelFolder">An NLI sequence-classification checkpoint folder with its tokenizer files.</param>
    /// <param name="candidateLabels">The labels to choose from (at least one).</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="hypothesisTemplate">The hypothesis; <c>{}</c> is replaced by each label.</param>
    /// <param name="multiLabel">Score each label on its own instead of letting them compete.</param>
    /// <param name="maxLength">Tokens per premise + hypothesis pair.</param>
    /// <param name="batchSize">Text × label pairs per forward pass.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">No labels, a template without <c>{}</c>, or a checkpoint that is not an NLI classifier.</exception>
    public IEstimator<ITransformer> ZeroShotClassification(string modelFolder, IEnumerable<string> candidateLabels, string textColumnName = "Text",
        string hypothesisTemplate = ZeroShotRules.DefaultTemplate, bool multiLabel = false, int maxLength = 512, int batchSize = 32) =>
        ZeroShotClassification(new ZeroShotClassificationOptions
        {
            ModelFolder = modelFolder, CandidateLabels = candidateLabels?.ToArray() ?? [], TextColumnName = textColumnName,
            HypothesisTemplate = hypothesisTemplate, MultiLabel = multiLabel, MaxLength = maxLength, BatchSize = batchSize,
        });

    /// <summary>
    /// Zero-shot classification whose candidate labels come with each row: <paramref name="candidateLabelsColumnName"/>
    /// holds them separated by commas (e.g. <c>"sports, politics"</c>). Adds <c>Labels</c> (the row's labels),
    /// <c>Score</c> (aligned with them) and <c>PredictedLabel</c> (Text). Otherwise as the fixed-label overload.
    /// </summary>
    /// <param name="modelFolder">An NLI sequence-classification checkpoint folder with its tokenizer files.</param>
    /// <param name="candidateLabelsColumnName">The text column of each row's comma-separated candidate labels.</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="hypothesisTemplate">The hypothesis; <c>{}</c> is replaced by each label.</param>
    /// <param name="multiLabel">Score each label on its own instead of letting them compete.</param>
    /// <param name="maxLength">Tokens per premise + hypothesis pair.</param>
    /// <param name="batchSize">Text × label pairs per forward pass.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">A template without <c>{}</c>, or a checkpoint that is not an NLI classifier.</exception>
    public IEstimator<ITransformer> ZeroShotClassification(string modelFolder, string candidateLabelsColumnName, string textColumnName = "Text",
        string hypothesisTemplate = ZeroShotRules.DefaultTemplate, bool multiLabel = false, int maxLength = 512, int batchSize = 32) =>
        ZeroShotClassification(new ZeroShotClassificationOptions
        {
            ModelFolder = modelFolder, CandidateLabelsColumnName = candidateLabelsColumnName, TextColumnName = textColumnName,
            HypothesisTemplate = hypothesisTemplate, MultiLabel = multiLabel, MaxLength = maxLength, BatchSize = batchSize,
        });

    /// <summary>Zero-shot classification; see <see cref="ZeroShotClassificationOptions"/> and the flat overloads.</summary>
    /// <param name="options">The checkpoint, labels, template and columns.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">No labels, a template without <c>{}</c>, or a checkpoint that is not an NLI classifier.</exception>
    public IEstimator<ITransformer> ZeroShotClassification(ZeroShotClassificationOptions options)
    {
        const string Method = nameof(ZeroShotClassification);
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Snapshot();
        bool perRow = o.CandidateLabelsColumnName is not null;
        if (perRow && o.CandidateLabels.Length > 0)
            throw new ArgumentException($"{Method}: set either CandidateLabels or CandidateLabelsColumnName, not both.", nameof(options));
        var labels = perRow ? [] : ZeroShotRules.CheckLabels(o.CandidateLabels, Method);
        ZeroShotRules.CheckTemplate(o.HypothesisTemplate, Method);
        TextTrainerOptionsRules.AtLeast(o.BatchSize, 1, nameof(o.BatchSize), Method);
        PrecisionRules.Check(o.InferencePrecision, nameof(o.InferencePrecision), Method);
        var encoding = EncodingRules.Check(Method, o.MaxLength, LongTextStrategy.Truncate, null, pair: true);
        var folder = PretrainedFolder.Open(Method, o.ModelFolder, o.TokenizerFolder, o.MaxLength);
        var config = folder.Config;
        if (config.Architectures.FirstOrDefault() is not { } architecture || !architecture.EndsWith("ForSequenceClassification", StringComparison.Ordinal)
            || config.NumLabels < 2)
            throw new ArgumentException($"{Method}: '{folder.Folder}' is not an NLI sequence classifier (architecture " +
                $"{config.Architectures.FirstOrDefault() ?? "none"}, {config.NumLabels} label(s)); use a checkpoint fine-tuned on MNLI or another NLI set.", nameof(options));
        var (entailment, contradiction) = ZeroShotRules.NliIds(config.Label2Id, config.NumLabels, folder.Folder, Method);
        var settings = new ZeroShotPayloadSettings
        {
            Labels = labels, Template = o.HypothesisTemplate, MultiLabel = o.MultiLabel, EntailmentId = entailment, ContradictionId = contradiction,
        };
        var load = (IChannel channel) => (folder.LoadTokenizer(), folder.LoadModel<DebertaForSequenceClassification>(channel, "a fine-tuned NLI classifier", o.InferencePrecision));
        if (perRow)
            return new PretrainedRowScorerEstimator<ZeroShotRow>(this, Method, new TextColumns(o.TextColumnName, o.CandidateLabelsColumnName),
                new ZeroShotColumns(o.LabelsColumnName, o.ScoreColumnName, o.PredictedLabelColumnName), o.BatchSize, channel =>
                {
                    var (tokenizer, model) = load(channel);
                    return new ZeroShotColumnScorer(new ZeroShotModel(new DebertaTextScorer(tokenizer, model, encoding, o.BatchSize), settings));
                });
        var predictions = PredictionColumns.Multiclass(new OutputColumnNames(o.ScoreColumnName, o.PredictedLabelColumnName), labels.Length,
            LabelKeyValues.FromText(TextDataViewType.Instance, labels), o.MultiLabel || labels.Length == 1 ? ScoreActivation.Sigmoid : ScoreActivation.Default);
        return new PretrainedScorerEstimator(this, Method, new TextColumns(o.TextColumnName), predictions, o.BatchSize,
            channel =>
            {
                var (tokenizer, model) = load(channel);
                return new ZeroShotScorer(new ZeroShotModel(new DebertaTextScorer(tokenizer, model, encoding, o.BatchSize), settings));
            });
    }
}
