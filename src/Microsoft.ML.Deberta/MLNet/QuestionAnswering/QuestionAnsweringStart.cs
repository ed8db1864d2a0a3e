using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Where a QA model's training starts, worked out from the options before any row is read: the config to build
/// (num_labels 2), the tokenizer, the checkpoint whose weights to load (none from scratch) and whether its QA head is
/// kept. A checkpoint whose head does another task is refused here, with the fix in the message.
/// </summary>
/// <param name="Config">The config of the model to build.</param>
/// <param name="Tokenizer">The tokenizer.</param>
/// <param name="WeightsFolder">The checkpoint folder to load weights from, or null to train from scratch.</param>
/// <param name="KeepsHead">Whether the checkpoint's QA head (<c>qa_outputs</c>) is loaded rather than started from the seed.</param>
/// <param name="Description">One line saying where training starts, for the log.</param>
internal sealed record QuestionAnsweringStart(DebertaConfig Config, DebertaTokenizerBase Tokenizer, string? WeightsFolder, bool KeepsHead, string Description)
{
    private const string QuestionAnsweringHead = "ForQuestionAnswering";

    /// <summary>Works out the start from checked options.</summary>
    /// <exception cref="DirectoryNotFoundException">A folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The model folder lacks config.json, weights or tokenizer files.</exception>
    /// <exception cref="ArgumentException">The checkpoint's head does another task, or the config does not fit.</exception>
    public static QuestionAnsweringStart Resolve(DebertaQuestionAnsweringOptions options, string method)
    {
        DebertaConfig config;
        DebertaTokenizerBase tokenizer;
        string? weights = null;
        string description;
        bool keepsHead = false;
        if (options.ModelFolder is { } modelFolder)
        {
            weights = TrainingStart.RequireCheckpointFolder(modelFolder, method);
            config = DebertaConfig.Load(weights);
            tokenizer = options.TokenizerFolder is null
                ? TokenizerFiles.Load(weights, $"{method}: the model folder", "set TokenizerFolder to the folder that holds them")
                : TokenizerFiles.Load(options.TokenizerFolder, $"{method}: the TokenizerFolder");
            string? architecture = config.Architectures.FirstOrDefault();
            string? head = HeadMismatchWarnings.Suffix(architecture);
            keepsHead = head == QuestionAnsweringHead && !options.ReinitializeHead;
            if (keepsHead)
                description = $"fine-tuning '{weights}' ({architecture}, its head kept)";
            else if (head is "Model" or "ForMaskedLM" || architecture is null || options.ReinitializeHead)
                description = $"fine-tuning '{weights}' ({architecture ?? "a backbone"}) with a new question-answering head";
            else
                throw new ArgumentException(
                    $"{method}: '{weights}' is a {architecture} checkpoint, whose head does another task than question answering " +
                    "(its outputs are not start and end scores). Start from a pre-trained backbone or a question-answering checkpoint, " +
                    "or set ReinitializeHead = true to train a new QA head on its encoder.", nameof(DebertaQuestionAnsweringOptions.ModelFolder));
        }
        else
        {
            config = options.Config!.Clone();
            config.Validate();
            tokenizer = TokenizerFiles.Load(options.TokenizerFolder!, $"{method}: the TokenizerFolder");
            if (config.VocabSize < tokenizer.VocabularySize)
                throw new ArgumentException(
                    $"{method}: the config's vocab_size {config.VocabSize} is smaller than the tokenizer's {tokenizer.VocabularySize} ids; " +
                    $"set Config.VocabSize to at least {tokenizer.VocabularySize}.", nameof(DebertaQuestionAnsweringOptions.Config));
            description = $"training a new {config.ModelType} question-answering model from scratch ({config.NumHiddenLayers} layers, hidden size {config.HiddenSize})";
        }
        if (config.PositionBiasedInput && options.MaxSeqLength > config.MaxPositionEmbeddings)
            throw new ArgumentException(
                $"{method}: MaxSeqLength {options.MaxSeqLength} exceeds the model's max_position_embeddings {config.MaxPositionEmbeddings} " +
                "(its absolute position table); lower MaxSeqLength (long contexts are covered by DocStride windows anyway).",
                nameof(DebertaQuestionAnsweringOptions.MaxSeqLength));
        if (config.NumLabels != 2)
            config.NumLabels = 2; // the QA head's two outputs (start, end), as transformers' QA models have
        return new QuestionAnsweringStart(config, tokenizer, weights, keepsHead, description);
    }
}
