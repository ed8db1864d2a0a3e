using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.TokenClassification;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta;

public sealed partial class DebertaCatalog
{
    /// <summary>
    /// Fine-tunes a Hugging Face DeBERTa checkpoint for named-entity recognition: a text column and a label column of
    /// one key per whitespace-separated word (<c>Vector&lt;Key&gt;</c>). Outputs: see <see cref="TokenClassificationOptions"/>.
    /// </summary>
    /// <param name="modelFolder">A checkpoint folder: config.json, weights and tokenizer files. A backbone gets a new head; a
    /// …ForTokenClassification checkpoint keeps its head when its labels are the tags.</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="labelColumnName">The label column: one key per word.</param>
    /// <param name="maxLength">Tokens per window; longer texts are split into overlapping windows.</param>
    /// <param name="batchSize">Windows per optimizer step.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <param name="learningRate">The peak learning rate.</param>
    /// <param name="validationSet">Rows scored after every epoch (entity F1); the best epoch's weights are kept.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Cancels <c>Fit</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public TokenClassificationEstimator TokenClassification(string modelFolder, string textColumnName = "Text", string labelColumnName = "Label",
        int maxLength = 256, int batchSize = 16, int epochs = 3, double learningRate = 3e-5, IDataView? validationSet = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        TokenClassification(WithFlatArguments(new TokenClassificationOptions { ModelFolder = modelFolder },
            textColumnName, null, labelColumnName, maxLength, batchSize, epochs, learningRate, validationSet, progress, cancellationToken));

    /// <summary>
    /// Trains a new DeBERTa NER model from scratch (random weights from the seed) with the given config and tokenizer;
    /// the defaults (learning rate 5e-4, 10 epochs) suit a small config on a few thousand sentences.
    /// </summary>
    /// <param name="config">The model's configuration (its vocab_size must cover the tokenizer).</param>
    /// <param name="tokenizerFolder">A Hugging Face tokenizer folder.</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="labelColumnName">The label column: one key per word.</param>
    /// <param name="maxLength">Tokens per window; longer texts are split into overlapping windows.</param>
    /// <param name="batchSize">Windows per optimizer step.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <param name="learningRate">The peak learning rate.</param>
    /// <param name="validationSet">Rows scored after every epoch (entity F1); the best epoch's weights are kept.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Cancels <c>Fit</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public TokenClassificationEstimator TokenClassification(DebertaConfig config, string tokenizerFolder, string textColumnName = "Text",
        string labelColumnName = "Label", int maxLength = 128, int batchSize = 16, int epochs = 10, double learningRate = 5e-4,
        IDataView? validationSet = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        TokenClassification(WithFlatArguments(new TokenClassificationOptions { Config = config, TokenizerFolder = tokenizerFolder },
            textColumnName, null, labelColumnName, maxLength, batchSize, epochs, learningRate, validationSet, progress, cancellationToken));

    /// <summary>Trains a DeBERTa NER model; see <see cref="TokenClassificationOptions"/>.</summary>
    /// <param name="options">Columns, where the model starts, windows, outputs and the training recipe.</param>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    public TokenClassificationEstimator TokenClassification(TokenClassificationOptions options)
    {
        const string Method = nameof(TokenClassification);
        ArgumentNullException.ThrowIfNull(options);
        var o = (TokenClassificationOptions)options.Snapshot();
        var outputs = new TokenClassificationColumns(LabelKeyValues.Placeholder(Data.TextDataViewType.Instance, 2),
            o.PredictedLabelColumnName, o.ScoreColumnName, o.EntityColumnPrefix).Names;
        TextTrainerOptionsRules.Check(o, Method, outputs);
        if (o.TextPairColumnName is not null)
            throw new ArgumentException($"{Method}: NER reads one text column; leave TextPairColumnName null.", nameof(o.TextPairColumnName));
        if (o.LongTextStrategy != LongTextStrategy.SlidingWindows)
            throw new ArgumentException($"{Method}: NER always splits long texts into overlapping windows (every word gets a label); " +
                "leave LongTextStrategy at SlidingWindows.", nameof(o.LongTextStrategy));
        if (!Enum.IsDefined(o.Aggregation))
            throw new ArgumentOutOfRangeException(nameof(o.Aggregation), o.Aggregation, $"{Method}: unknown aggregation.");
        return new TokenClassificationEstimator(this, o, Method);
    }

    /// <summary>
    /// Tags text with a fine-tuned Hugging Face DeBERTa token-classification checkpoint as it is, without training:
    /// <c>PredictedLabel</c> (one key per whitespace-separated word; its key values are the checkpoint's id2label),
    /// <c>Score</c> per word, and the entities (<c>EntityGroup</c>, <c>EntityText</c>, <c>EntityStart</c>,
    /// <c>EntityEnd</c>, <c>EntityScore</c>). Texts of any length are scored in overlapping windows.
    /// </summary>
    /// <param name="modelFolder">The checkpoint folder: config.json, weights and tokenizer files.</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="maxLength">Tokens per window.</param>
    /// <param name="stride">Tokens consecutive windows share; null for a quarter of <paramref name="maxLength"/>.</param>
    /// <param name="aggregation">How tokens become entities (transformers' aggregation_strategy).</param>
    /// <param name="batchSize">Windows per forward pass.</param>
    /// <param name="tokenizerFolder">The tokenizer folder, when it is not the model folder.</param>
    /// <param name="inferencePrecision">The precision the model scores in, saved with it (see <see cref="DebertaEstimatorFineTuningOptions.InferencePrecision"/>).</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">The checkpoint is not a token classifier, or an argument is out of range.</exception>
    public IEstimator<StructuredScoringTransformer> ApplyTokenClassificationModel(string modelFolder, string textColumnName = "Text",
        int maxLength = 512, int? stride = null, EntityAggregation aggregation = EntityAggregation.First, int batchSize = 32, string? tokenizerFolder = null,
        DebertaPrecision inferencePrecision = DebertaPrecision.Float32)
    {
        PrecisionRules.Check(inferencePrecision, nameof(inferencePrecision), nameof(ApplyTokenClassificationModel));
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFolder);
        ArgumentException.ThrowIfNullOrWhiteSpace(textColumnName);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 3);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int s = stride ?? TextEncodingSettings.DefaultStride(maxLength, pair: false);
        if (s < 0 || s >= maxLength - 2)
            throw new ArgumentOutOfRangeException(nameof(stride), s, $"stride must lie in [0, {maxLength - 3}] for windows of {maxLength} tokens.");
        if (!Enum.IsDefined(aggregation))
            throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "Unknown aggregation.");
        var encoding = new TokenClassificationEncoding
        {
            MaxLength = maxLength, Stride = s, Aggregation = aggregation, InferenceBatchSize = batchSize,
            InferencePrecision = PrecisionRules.Saved(inferencePrecision),
        };
        return new PretrainedTokenClassificationEstimator(this, modelFolder, tokenizerFolder, textColumnName, encoding);
    }

    /// <summary>
    /// Evaluates NER predictions as seqeval does by default (the metric transformers' run_ner.py reports): entity-level
    /// precision, recall and F1 overall and per entity type (an entity counts when its type, first and last word all
    /// match), and token accuracy.
    /// </summary>
    /// <param name="data">Scored data holding the gold tags and the predicted tags, one key per word each.</param>
    /// <param name="labelColumnName">The gold tags (vector of keys with the tag names as key values).</param>
    /// <param name="predictedLabelColumnName">The predicted tags.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or not a vector of named keys.</exception>
    /// <exception cref="InvalidDataException">A row's tag counts differ, or a key names no tag.</exception>
    public EntityMetrics EvaluateTokenClassification(IDataView data, string labelColumnName = "Label", string predictedLabelColumnName = "PredictedLabel")
    {
        ArgumentNullException.ThrowIfNull(data);
        return EntityEvaluation.Evaluate(data, labelColumnName, predictedLabelColumnName);
    }
}
