using Microsoft.ML.Deberta.Tokenization.SentencePiece;

namespace Microsoft.ML.Deberta.Tokenization;

public sealed partial class DebertaV2Tokenizer
{
    /// <summary>
    /// Loads a DeBERTa v2/v3 tokenizer from a Hugging Face folder: <c>spm.model</c> (or <c>tokenizer.model</c>, the
    /// name transformers 5 saves), plus <c>tokenizer_config.json</c> (<c>do_lower_case</c>, <c>split_by_punct</c>,
    /// <c>model_max_length</c>), <c>special_tokens_map.json</c> and <c>added_tokens.json</c> when present.
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <param name="options">Overrides of the folder's settings.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">There is no spm.model.</exception>
    /// <exception cref="NotSupportedException">The folder only has a tokenizer.json (its Unigram model cannot be loaded without spm.model).</exception>
    /// <exception cref="InvalidDataException">A file is corrupt; the message names it.</exception>
    public static new DebertaV2Tokenizer FromFolder(string directory, DebertaTokenizerLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Tokenizer folder '{directory}' does not exist.");
        string? modelPath = new[] { "spm.model", "tokenizer.model" }.Select(n => Path.Combine(directory, n)).FirstOrDefault(File.Exists);
        if (modelPath is null)
        {
            if (File.Exists(Path.Combine(directory, "tokenizer.json")))
                throw new NotSupportedException(
                    $"Tokenizer folder '{directory}' has a tokenizer.json but no spm.model; DeBERTa v2/v3 tokenization needs the SentencePiece model file spm.model.");
            throw new FileNotFoundException($"Tokenizer folder '{directory}' has no spm.model.", Path.Combine(directory, "spm.model"));
        }
        return FromSentencePieceModel(modelPath, options, directory);
    }

    /// <summary>
    /// Loads a DeBERTa v2/v3 tokenizer from an <c>spm.model</c> file, with the configuration files of
    /// <paramref name="configDirectory"/> (default: the model's folder) when present.
    /// </summary>
    /// <param name="spmModelPath">Path of the SentencePiece model.</param>
    /// <param name="options">Overrides of the folder's settings.</param>
    /// <param name="configDirectory">Where tokenizer_config.json and friends are; null for the model's folder.</param>
    public static DebertaV2Tokenizer FromSentencePieceModel(string spmModelPath, DebertaTokenizerLoadOptions? options = null, string? configDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(spmModelPath);
        SentencePieceUnigramModel model = SentencePieceUnigramModel.Load(spmModelPath);
        configDirectory ??= Path.GetDirectoryName(Path.GetFullPath(spmModelPath))!;
        TokenizerFolderConfig config = TokenizerFolderConfig.Read(configDirectory);
        SpecialTokenSet specials = config.ResolveSpecialTokens(model.PieceToId, model.PieceCount, maskLStrip: false);
        return new DebertaV2Tokenizer(
            model, specials,
            options?.DoLowerCase ?? config.GetBoolean("do_lower_case") ?? false,
            options?.SplitByPunct ?? config.GetBoolean("split_by_punct") ?? false,
            options?.ModelMaxLength ?? config.ModelMaxLength ?? int.MaxValue);
    }
}
