using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Where masked-LM training starts, worked out before any row is read: the config (legacy false: the saved model
/// has DeBERTa's own <c>lm_predictions.lm_head.*</c> head), the tokenizer and the checkpoint folder, with every
/// mismatch (no folder, a mask token the model cannot read, a block longer than the positions) an error that says what to do.
/// </summary>
internal sealed record MaskedLMStart(DebertaConfig Config, DebertaTokenizerBase Tokenizer, string? WeightsFolder, string Description)
{
    private const string Method = "MaskedLanguageModeling";

    /// <summary>Resolves and checks the start.</summary>
    /// <exception cref="DirectoryNotFoundException">A folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The model folder lacks config.json or weights, or the tokenizer folder tokenizer files.</exception>
    /// <exception cref="ArgumentException">The config, tokenizer or MaxLength do not fit together.</exception>
    public static MaskedLMStart Resolve(MaskedLanguageModelingOptions o)
    {
        DebertaConfig config;
        string? weights = null;
        string description;
        if (o.ModelFolder is { } folder)
        {
            weights = TrainingStart.RequireCheckpointFolder(folder, Method);
            config = DebertaConfig.Load(weights);
            description = $"continuing pretraining of '{weights}' ({config.Architectures.FirstOrDefault() ?? "a backbone"})";
        }
        else
        {
            config = o.Config!.Clone();
            description = $"pretraining a new {config.ModelType} model from scratch ({config.NumHiddenLayers} layers, hidden size {config.HiddenSize})";
        }
        config.Legacy = false;
        config.Validate();
        var tokenizer = o.TokenizerFolder is null
            ? TokenizerFiles.Load(weights!, $"{Method}: the model folder", "set TokenizerFolder to the folder that holds them")
            : TokenizerFiles.Load(o.TokenizerFolder, $"{Method}: the TokenizerFolder");

        if (o.MaxLength > config.MaxPositionEmbeddings)
            throw new ArgumentException(
                $"{Method}: MaxLength (the block size) {o.MaxLength} exceeds the model's max_position_embeddings {config.MaxPositionEmbeddings}; " +
                $"set MaxLength to at most {config.MaxPositionEmbeddings}.", nameof(MaskedLanguageModelingOptions.MaxLength));
        int maskId = tokenizer.MaskTokenId;
        int[] others = [tokenizer.ClsTokenId, tokenizer.SepTokenId, tokenizer.PadTokenId, tokenizer.UnkTokenId];
        if (others.Contains(maskId))
            throw new ArgumentException(
                $"{Method}: the tokenizer has no mask token of its own ('{tokenizer.MaskToken}' is id {maskId}, also one of [CLS]/[SEP]/[PAD]/[UNK]). " +
                "Masked-LM training replaces tokens with the mask token; use a tokenizer with a [MASK] token (set mask_token in tokenizer_config.json).",
                nameof(MaskedLanguageModelingOptions.TokenizerFolder));
        if (maskId >= config.VocabSize)
            throw new ArgumentException(
                $"{Method}: the tokenizer's mask token '{tokenizer.MaskToken}' has id {maskId}, outside the model's vocab_size {config.VocabSize}: " +
                "the model cannot read or predict it. Use the tokenizer the model was trained with, or a config whose vocab_size covers the tokenizer.",
                nameof(MaskedLanguageModelingOptions.TokenizerFolder));
        if (tokenizer.VocabularySize > config.VocabSize)
            throw new ArgumentException(
                $"{Method}: the tokenizer has {tokenizer.VocabularySize} ids but the model's vocab_size is {config.VocabSize}; " +
                $"use the model's own tokenizer, or (from scratch) set Config.VocabSize to at least {tokenizer.VocabularySize}.",
                nameof(MaskedLanguageModelingOptions.TokenizerFolder));
        return new MaskedLMStart(config, tokenizer, weights, description);
    }
}
