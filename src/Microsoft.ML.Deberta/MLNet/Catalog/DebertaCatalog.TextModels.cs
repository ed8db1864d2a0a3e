using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta;

public sealed partial class DebertaCatalog
{
    /// <summary>
    /// Fine-tunes a Hugging Face DeBERTa checkpoint to classify a text (or a pair). The label is a key (from
    /// <c>MapValueToKey</c>; its key values become the class names) or a Boolean. Outputs follow ML.NET's trainers:
    /// see <see cref="TextClassificationOptions"/>.
    /// </summary>
    /// <param name="modelFolder">A checkpoint folder: config.json, weights and tokenizer files (see <see cref="TextTrainerOptions"/>).</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="textPairColumnName">The second text column of a pair task, or null.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="maxLength">Tokens per example; longer texts are truncated.</param>
    /// <param name="batchSize">Examples per optimizer step.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <param name="learningRate">The peak learning rate.</param>
    /// <param name="validationSet">Rows scored after every epoch; the best epoch's weights are kept.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Cancels <c>Fit</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public TextScoringEstimator TextClassification(string modelFolder, string textColumnName = "Text", string? textPairColumnName = null,
        string labelColumnName = "Label", int maxLength = 256, int batchSize = 16, int epochs = 3, double learningRate = 3e-5,
        IDataView? validationSet = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        TextClassification(WithFlatArguments(new TextClassificationOptions { ModelFolder = modelFolder },
            textColumnName, textPairColumnName, labelColumnName, maxLength, batchSize, epochs, learningRate, validationSet, progress, cancellationToken));

    /// <summary>
    /// Trains a new DeBERTa text classifier from scratch (random weights from the seed) with the given config and tokenizer.
    /// The defaults (learning rate 5e-4, 10 epochs) suit a small config on a few thousand rows; pre-trained checkpoints
    /// do far better when one is available.
    /// </summary>
    /// <param name="config">The model's configuration (its vocab_size must cover the tokenizer).</param>
    /// <param name="tokenizerFolder">A Hugging Face tokenizer folder.</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="textPairColumnName">The second text column of a pair task, or null.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="maxLength">Tokens per example; longer texts are truncated.</param>
    /// <param name="batchSize">Examples per optimizer step.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <param name="learningRate">The peak learning rate.</param>
    /// <param name="validationSet">Rows scored after every epoch; the best epoch's weights are kept.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Cancels <c>Fit</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public TextScoringEstimator TextClassification(DebertaConfig config, string tokenizerFolder, string textColumnName = "Text",
        string? textPairColumnName = null, string labelColumnName = "Label", int maxLength = 128, int batchSize = 16, int epochs = 10,
        double learningRate = 5e-4, IDataView? validationSet = null, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        TextClassification(WithFlatArguments(new TextClassificationOptions { Config = config, TokenizerFolder = tokenizerFolder },
            textColumnName, textPairColumnName, labelColumnName, maxLength, batchSize, epochs, learningRate, validationSet, progress, cancellationToken));

    /// <summary>Trains a DeBERTa text classifier; see <see cref="TextClassificationOptions"/>.</summary>
    /// <param name="options">Columns, where the model starts, encoding and the training recipe.</param>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    public TextScoringEstimator TextClassification(TextClassificationOptions options)
    {
        const string Method = nameof(TextClassification);
        ArgumentNullException.ThrowIfNull(options);
        var o = (TextClassificationOptions)options.Snapshot();
        TextTrainerOptionsRules.Check(o, Method, o.ScoreColumnName, o.PredictedLabelColumnName, o.ProbabilityColumnName);
        return new TextScoringEstimator(this, Settings(o, TextTask.Classification,
            new OutputColumnNames(o.ScoreColumnName, o.PredictedLabelColumnName, o.ProbabilityColumnName), o.BinaryOutputs),
            new DebertaTextTrainer(o, Method));
    }

    /// <summary>
    /// Fine-tunes a Hugging Face DeBERTa checkpoint to predict a number from a text (or a pair): a Single label, a
    /// Single <c>Score</c> for <c>Regression.Evaluate</c>, mean squared error loss.
    /// </summary>
    /// <param name="modelFolder">A checkpoint folder: config.json, weights and tokenizer files (see <see cref="TextTrainerOptions"/>).</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="textPairColumnName">The second text column of a pair task, or null.</param>
    /// <param name="labelColumnName">The label column (Single).</param>
    /// <param name="maxLength">Tokens per example; longer texts are truncated.</param>
    /// <param name="batchSize">Examples per optimizer step.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <param name="learningRate">The peak learning rate.</param>
    /// <param name="validationSet">Rows scored after every epoch (RMSE); the best epoch's weights are kept.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Cancels <c>Fit</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public TextScoringEstimator TextRegression(string modelFolder, string textColumnName = "Text", string? textPairColumnName = null,
        string labelColumnName = "Label", int maxLength = 256, int batchSize = 16, int epochs = 3, double learningRate = 3e-5,
        IDataView? validationSet = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        TextRegression(WithFlatArguments(new TextRegressionOptions { ModelFolder = modelFolder },
            textColumnName, textPairColumnName, labelColumnName, maxLength, batchSize, epochs, learningRate, validationSet, progress, cancellationToken));

    /// <summary>Trains a new DeBERTa text regressor from scratch with the given config and tokenizer (defaults as for classification from scratch).</summary>
    /// <param name="config">The model's configuration (its vocab_size must cover the tokenizer).</param>
    /// <param name="tokenizerFolder">A Hugging Face tokenizer folder.</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="textPairColumnName">The second text column of a pair task, or null.</param>
    /// <param name="labelColumnName">The label column (Single).</param>
    /// <param name="maxLength">Tokens per example; longer texts are truncated.</param>
    /// <param name="batchSize">Examples per optimizer step.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <param name="learningRate">The peak learning rate.</param>
    /// <param name="validationSet">Rows scored after every epoch (RMSE); the best epoch's weights are kept.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Cancels <c>Fit</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public TextScoringEstimator TextRegression(DebertaConfig config, string tokenizerFolder, string textColumnName = "Text",
        string? textPairColumnName = null, string labelColumnName = "Label", int maxLength = 128, int batchSize = 16, int epochs = 10,
        double learningRate = 5e-4, IDataView? validationSet = null, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        TextRegression(WithFlatArguments(new TextRegressionOptions { Config = config, TokenizerFolder = tokenizerFolder },
            textColumnName, textPairColumnName, labelColumnName, maxLength, batchSize, epochs, learningRate, validationSet, progress, cancellationToken));

    /// <summary>Trains a DeBERTa text regressor; see <see cref="TextRegressionOptions"/>.</summary>
    /// <param name="options">Columns, where the model starts, encoding and the training recipe.</param>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    public TextScoringEstimator TextRegression(TextRegressionOptions options)
    {
        const string Method = nameof(TextRegression);
        ArgumentNullException.ThrowIfNull(options);
        var o = (TextRegressionOptions)options.Snapshot();
        TextTrainerOptionsRules.Check(o, Method, o.ScoreColumnName);
        return new TextScoringEstimator(this, Settings(o, TextTask.Regression, new OutputColumnNames(o.ScoreColumnName), binaryLayout: false),
            new DebertaTextTrainer(o, Method));
    }

    // The flat overloads of TextClassification and TextRegression share these arguments.
    private static TOptions WithFlatArguments<TOptions>(TOptions options, string textColumnName, string? textPairColumnName,
        string labelColumnName, int maxLength, int batchSize, int epochs, double learningRate, IDataView? validationSet,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
        where TOptions : TextTrainerOptions
    {
        options.TextColumnName = textColumnName;
        options.TextPairColumnName = textPairColumnName;
        options.LabelColumnName = labelColumnName;
        options.MaxLength = maxLength;
        options.BatchSize = batchSize;
        options.Epochs = epochs;
        options.LearningRate = learningRate;
        options.ValidationSet = validationSet;
        options.Progress = progress;
        options.CancellationToken = cancellationToken;
        return options;
    }

    private static TextScoringSettings Settings(TextTrainerOptions o, TextTask task, OutputColumnNames outputs, bool binaryLayout) => new()
    {
        Columns = new TextColumns(o.TextColumnName, o.TextPairColumnName),
        LabelColumn = o.LabelColumnName,
        Task = task,
        Outputs = outputs,
        BinaryLayout = binaryLayout,
        InferenceBatchSize = o.InferenceBatchSize,
        ValidationSet = o.ValidationSet,
        Seed = o.Seed,
        CancellationToken = o.CancellationToken,
    };

    /// <summary>
    /// Scores with a fine-tuned Hugging Face DeBERTa sequence-classification checkpoint as it is, without training.
    /// A classifier adds <c>PredictedLabel</c> (a key whose values are the checkpoint's id2label) and <c>Score</c>
    /// (softmax probabilities, slot names = id2label); a regressor (num_labels 1) adds a Single <c>Score</c>.
    /// </summary>
    /// <param name="modelFolder">The checkpoint folder: config.json, weights and tokenizer files.</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="textPairColumnName">The second text column of a pair task, or null.</param>
    /// <param name="maxLength">Tokens per example.</param>
    /// <param name="longTextStrategy">What happens to longer texts.</param>
    /// <param name="batchSize">Rows per forward pass.</param>
    /// <param name="tokenizerFolder">The tokenizer folder, when it is not the model folder.</param>
    /// <param name="inferencePrecision">The precision the model scores in, saved with it (see <see cref="DebertaEstimatorFineTuningOptions.InferencePrecision"/>).</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">The checkpoint is not a sequence classifier, or an argument is out of range.</exception>
    public IEstimator<TextScoringTransformer> ApplyTextModel(string modelFolder, string textColumnName = "Text", string? textPairColumnName = null,
        int maxLength = 256, LongTextStrategy longTextStrategy = LongTextStrategy.Truncate, int batchSize = 32, string? tokenizerFolder = null,
        DebertaPrecision inferencePrecision = DebertaPrecision.Float32)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFolder);
        PrecisionRules.Check(inferencePrecision, nameof(inferencePrecision), nameof(ApplyTextModel));
        return PretrainedTextModel.Create(this, modelFolder, tokenizerFolder, new TextColumns(textColumnName, textPairColumnName),
            ScoringEncoding(textColumnName, textPairColumnName, maxLength, longTextStrategy, batchSize), batchSize, inferencePrecision);
    }

    /// <summary>
    /// Scores with a sequence classifier exported to ONNX — by <c>DebertaOnnxExporter.Export</c> or by transformers'
    /// <c>torch.onnx.export</c> — through ONNX Runtime, never loading libtorch. Adds the columns <see cref="ApplyTextModel"/>
    /// adds for the same checkpoint (key values and slot names from its id2label), encodes texts the same way, and saves
    /// with <c>DebertaModelIO.Save</c> as an ONNX payload.
    /// </summary>
    /// <param name="onnxPath">The .onnx file; the checkpoint's config.json must sit beside it (labels, num_labels, pad_token_id).</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="textPairColumnName">The second text column of a pair task, or null.</param>
    /// <param name="maxLength">Tokens per example.</param>
    /// <param name="longTextStrategy">What happens to longer texts.</param>
    /// <param name="batchSize">Rows per ONNX Runtime run.</param>
    /// <param name="tokenizerFolder">The tokenizer folder, when it is not the .onnx file's folder.</param>
    /// <exception cref="FileNotFoundException">No file at <paramref name="onnxPath"/>, or no config.json beside it.</exception>
    /// <exception cref="ArgumentException">The config is not a sequence classifier's, or an argument is out of range.</exception>
    /// <exception cref="InvalidDataException">At <c>Fit</c>: the file is truncated or not ONNX, its inputs are not DeBERTa's, or it has no <c>logits</c> output.</exception>
    public IEstimator<TextScoringTransformer> ApplyOnnxTextModel(string onnxPath, string textColumnName = "Text", string? textPairColumnName = null,
        int maxLength = 256, LongTextStrategy longTextStrategy = LongTextStrategy.Truncate, int batchSize = 32, string? tokenizerFolder = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(onnxPath);
        return OnnxTextModel.Create(this, onnxPath, tokenizerFolder, new TextColumns(textColumnName, textPairColumnName),
            ScoringEncoding(textColumnName, textPairColumnName, maxLength, longTextStrategy, batchSize), batchSize);
    }

    /// <summary>The argument checks and encoding of the steps that score a classifier as it is.</summary>
    private static TextEncodingSettings ScoringEncoding(string textColumnName, string? textPairColumnName, int maxLength,
        LongTextStrategy longTextStrategy, int batchSize)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(textColumnName);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, textPairColumnName is null ? 3 : 5);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (!Enum.IsDefined(longTextStrategy))
            throw new ArgumentOutOfRangeException(nameof(longTextStrategy), longTextStrategy, "Unknown long-text strategy.");
        return new TextEncodingSettings
        {
            MaxLength = maxLength,
            Strategy = longTextStrategy,
            Stride = TextEncodingSettings.DefaultStride(maxLength, textPairColumnName is not null),
        };
    }
}
