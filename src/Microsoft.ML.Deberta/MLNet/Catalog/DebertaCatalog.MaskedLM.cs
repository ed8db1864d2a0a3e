using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta;

public sealed partial class DebertaCatalog
{
    /// <summary>
    /// Continues pretraining a Hugging Face DeBERTa checkpoint with masked-LM training on a text column (domain
    /// adaptation before fine-tuning): 15% of the tokens are selected, 80% of those become [MASK], 10% a random token.
    /// <c>Fit(data)</c> writes the adapted model to <paramref name="outputFolder"/>; fine-tune it with
    /// <c>TextClassification(result.ModelFolder, …)</c>.
    /// </summary>
    /// <param name="modelFolder">The checkpoint folder to continue from (config.json, weights, tokenizer files).</param>
    /// <param name="outputFolder">Where the trained masked LM is written.</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="maxLength">The block size: texts are concatenated and cut into blocks of this many tokens.</param>
    /// <param name="batchSize">Blocks per optimizer step.</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="learningRate">The peak learning rate.</param>
    /// <param name="validationSet">Held-out rows: perplexity before training and after each epoch; the best epoch is saved.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Cancels <c>Fit</c>.</param>
    /// <exception cref="ArgumentException">An argument is missing or out of range.</exception>
    public MaskedLanguageModelingTrainer MaskedLanguageModeling(string modelFolder, string outputFolder, string textColumnName = "Text",
        int maxLength = 128, int batchSize = 16, int epochs = 3, double learningRate = 5e-5, IDataView? validationSet = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        MaskedLanguageModeling(new MaskedLanguageModelingOptions
        {
            ModelFolder = modelFolder, OutputFolder = outputFolder, TextColumnName = textColumnName, MaxLength = maxLength,
            BatchSize = batchSize, Epochs = epochs, LearningRate = learningRate, ValidationSet = validationSet,
            Progress = progress, CancellationToken = cancellationToken,
        });

    /// <summary>
    /// Pretrains a new DeBERTa masked LM from scratch (random weights from the seed) with the given config and tokenizer.
    /// The defaults (learning rate 5e-4, 10 epochs) suit a small config on a few thousand rows.
    /// </summary>
    /// <param name="config">The model's configuration (its vocab_size must cover the tokenizer).</param>
    /// <param name="tokenizerFolder">A Hugging Face tokenizer folder with a mask token.</param>
    /// <param name="outputFolder">Where the trained masked LM is written.</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="maxLength">The block size.</param>
    /// <param name="batchSize">Blocks per optimizer step.</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="learningRate">The peak learning rate.</param>
    /// <param name="validationSet">Held-out rows for the perplexity; the best epoch is saved.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Cancels <c>Fit</c>.</param>
    /// <exception cref="ArgumentException">An argument is missing or out of range.</exception>
    public MaskedLanguageModelingTrainer MaskedLanguageModeling(DebertaConfig config, string tokenizerFolder, string outputFolder,
        string textColumnName = "Text", int maxLength = 128, int batchSize = 16, int epochs = 10, double learningRate = 5e-4,
        IDataView? validationSet = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        MaskedLanguageModeling(new MaskedLanguageModelingOptions
        {
            Config = config, TokenizerFolder = tokenizerFolder, OutputFolder = outputFolder, TextColumnName = textColumnName,
            MaxLength = maxLength, BatchSize = batchSize, Epochs = epochs, LearningRate = learningRate, ValidationSet = validationSet,
            Progress = progress, CancellationToken = cancellationToken,
        });

    /// <summary>Masked-LM training with every setting; see <see cref="MaskedLanguageModelingOptions"/>.</summary>
    /// <param name="options">Columns, where the model starts and is written, masking, blocks and the training recipe.</param>
    /// <exception cref="ArgumentException">A setting is missing or out of range (the mask probability outside (0, 1), …).</exception>
    public MaskedLanguageModelingTrainer MaskedLanguageModeling(MaskedLanguageModelingOptions options)
    {
        const string Method = nameof(MaskedLanguageModeling);
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Snapshot();
        if (string.IsNullOrWhiteSpace(o.TextColumnName))
            throw new ArgumentException($"{Method}: TextColumnName is empty; name the text column.", nameof(options));
        if (string.IsNullOrWhiteSpace(o.OutputFolder))
            throw new ArgumentException($"{Method}: set OutputFolder, where the trained masked LM is written.", nameof(options));
        if ((o.ModelFolder is null) == (o.Config is null))
            throw new ArgumentException(
                $"{Method}: set exactly one of ModelFolder (continue a checkpoint) and Config (train from scratch).", nameof(options));
        if (o.Config is not null && string.IsNullOrWhiteSpace(o.TokenizerFolder))
            throw new ArgumentException($"{Method}: training from a Config needs TokenizerFolder.", nameof(options));
        if (o.MaxLength < 3)
            throw new ArgumentOutOfRangeException(nameof(options), o.MaxLength,
                $"{Method}: MaxLength must be at least 3 ([CLS], one token, [SEP]).");
        FineTuningOptionsRules.CheckRecipe(o, Method);
        MaskedLMTrainingOptions.CheckMaskProbability(o.MaskProbability, nameof(o.MaskProbability));
        return new MaskedLanguageModelingTrainer(this, o);
    }
}
