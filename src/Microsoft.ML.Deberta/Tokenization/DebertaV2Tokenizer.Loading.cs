using System.Text.Json;
using Microsoft.ML.Deberta.Tokenization.SentencePiece;

namespace Microsoft.ML.Deberta.Tokenization;

public sealed partial class DebertaV2Tokenizer
{
    /// <summary>
    /// Loads a DeBERTa v2/v3 tokenizer from a Hugging Face folder: <c>spm.model</c> (or <c>tokenizer.model</c>, the
    /// name transformers 5 saves), or else <c>tokenizer.json</c> alone (what transformers 5 writes for a v3 model),
    /// plus <c>tokenizer_config.json</c> (<c>do_lower_case</c>, <c>split_by_punct</c>, <c>model_max_length</c>),
    /// <c>special_tokens_map.json</c> and <c>added_tokens.json</c> when present.
    /// </summary>
    /// <remarks>
    /// When both exist, <c>spm.model</c> wins: it carries the model's own normaliser (the character map the model was
    /// trained with), which a <c>tokenizer.json</c> written by transformers 5 replaces with NFC; a 4.x
    /// <c>tokenizer.json</c> holds the same map and gives the same ids.
    /// </remarks>
    /// <param name="directory">The folder.</param>
    /// <param name="options">Overrides of the folder's settings.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">There is neither spm.model nor tokenizer.json.</exception>
    /// <exception cref="NotSupportedException">tokenizer.json holds something other than a DeBERTa v2/v3 Unigram tokenizer; the message names it.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt; the message names it.</exception>
    public static new DebertaV2Tokenizer FromFolder(string directory, DebertaTokenizerLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Tokenizer folder '{directory}' does not exist.");
        string? modelPath = new[] { "spm.model", "tokenizer.model" }.Select(n => Path.Combine(directory, n)).FirstOrDefault(File.Exists);
        if (modelPath is not null)
            return FromSentencePieceModel(modelPath, options, directory);
        string tokenizerJson = Path.Combine(directory, "tokenizer.json");
        if (File.Exists(tokenizerJson))
            return FromTokenizerJson(tokenizerJson, options, directory);
        throw new FileNotFoundException($"Tokenizer folder '{directory}' has neither spm.model nor tokenizer.json.", Path.Combine(directory, "spm.model"));
    }

    /// <summary>
    /// Loads a DeBERTa v2/v3 tokenizer from a <c>tokenizer.json</c>: its Unigram vocabulary and scores, normaliser
    /// (<c>Precompiled</c> character map, or transformers 5's whitespace folding with NFC), Metaspace pre-tokenizer,
    /// template and added tokens, with the configuration files of <paramref name="configDirectory"/> (default: the
    /// file's folder) when present. <c>Lowercase</c> and <c>Punctuation</c> steps in the file set
    /// <see cref="DoLowerCase"/> and <see cref="SplitByPunct"/> unless <paramref name="options"/> say otherwise.
    /// </summary>
    /// <param name="tokenizerJsonPath">Path of tokenizer.json.</param>
    /// <param name="options">Overrides of the folder's settings.</param>
    /// <param name="configDirectory">Where tokenizer_config.json and friends are; null for the file's folder.</param>
    /// <exception cref="NotSupportedException">The file holds a kind of tokenizer this class cannot honour (e.g. a BPE model, an unknown normaliser); the message names it.</exception>
    /// <exception cref="InvalidDataException">The file or a configuration file is corrupt; the message names it or its folder.</exception>
    public static DebertaV2Tokenizer FromTokenizerJson(string tokenizerJsonPath, DebertaTokenizerLoadOptions? options = null, string? configDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJsonPath);
        configDirectory ??= Path.GetDirectoryName(Path.GetFullPath(tokenizerJsonPath))!;
        return TokenizerJsonFile.Guard(configDirectory, () => LoadTokenizerJson(tokenizerJsonPath, options, configDirectory));
    }

    private static DebertaV2Tokenizer LoadTokenizerJson(string tokenizerJsonPath, DebertaTokenizerLoadOptions? options, string configDirectory)
    {
        JsonElement root = TokenizerJsonFile.ReadObject(tokenizerJsonPath);
        TokenizerJsonUnigram file = TokenizerJsonUnigram.Read(tokenizerJsonPath, root);
        TokenizerFolderConfig config = TokenizerFolderConfig.Read(configDirectory, root);
        SpecialTokenSet specials = config.ResolveSpecialTokens(file.Model.PieceToId, file.Model.PieceCount, maskLStrip: false);
        return new DebertaV2Tokenizer(
            file.Model, specials,
            options?.DoLowerCase ?? (file.DoLowerCase || (config.GetBoolean("do_lower_case") ?? false)),
            options?.SplitByPunct ?? (file.SplitByPunct || (config.GetBoolean("split_by_punct") ?? false)),
            options?.ModelMaxLength ?? config.ModelMaxLength ?? int.MaxValue)
        {
            FoldsWhitespace = file.FoldsWhitespace,
            ComposesNfc = file.ComposesNfc,
            FastTokenizerConventions = true,
        };
    }

    /// <summary>
    /// Loads a DeBERTa v2/v3 tokenizer from an <c>spm.model</c> file, with the configuration files of
    /// <paramref name="configDirectory"/> (default: the model's folder) when present.
    /// </summary>
    /// <param name="spmModelPath">Path of the SentencePiece model.</param>
    /// <param name="options">Overrides of the folder's settings.</param>
    /// <param name="configDirectory">Where tokenizer_config.json and friends are; null for the model's folder.</param>
    /// <exception cref="InvalidDataException">The model or a configuration file is corrupt; the message names it or its folder.</exception>
    public static DebertaV2Tokenizer FromSentencePieceModel(string spmModelPath, DebertaTokenizerLoadOptions? options = null, string? configDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(spmModelPath);
        SentencePieceUnigramModel model = SentencePieceUnigramModel.Load(spmModelPath);
        string folder = configDirectory ?? Path.GetDirectoryName(Path.GetFullPath(spmModelPath))!;
        TokenizerFolderConfig config = TokenizerJsonFile.Guard(folder, () => TokenizerFolderConfig.Read(folder));
        SpecialTokenSet specials = config.ResolveSpecialTokens(model.PieceToId, model.PieceCount, maskLStrip: false);
        return new DebertaV2Tokenizer(
            model, specials,
            options?.DoLowerCase ?? config.GetBoolean("do_lower_case") ?? false,
            options?.SplitByPunct ?? config.GetBoolean("split_by_punct") ?? false,
            options?.ModelMaxLength ?? config.ModelMaxLength ?? int.MaxValue);
    }
}
