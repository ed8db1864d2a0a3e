using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A checkpoint folder a no-training step scores with: checked (folder, config, maximum length) when the catalog
/// method is called; tokenizer and weights loaded at <c>Fit</c>, where a missing weight is an error, not a random one.
/// </summary>
internal sealed class PretrainedFolder
{
    private PretrainedFolder(string method, string folder, string? tokenizerFolder, DebertaConfig config)
    {
        Method = method;
        Folder = folder;
        TokenizerFolder = tokenizerFolder;
        Config = config;
    }

    public string Method { get; }

    public string Folder { get; }

    public string? TokenizerFolder { get; }

    public DebertaConfig Config { get; }

    /// <summary>Checks the folder and reads its config.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException"><paramref name="maxLength"/> does not fit the model.</exception>
    public static PretrainedFolder Open(string method, string modelFolder, string? tokenizerFolder, int maxLength)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFolder);
        var folder = Path.GetFullPath(modelFolder);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException(
                $"{method}: the model folder '{folder}' does not exist. Check the path (a relative path starts from '{Environment.CurrentDirectory}').");
        var config = DebertaConfig.Load(folder);
        if (maxLength < 3)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"{method}: maxLength must leave room for text besides [CLS] and [SEP] (at least 3).");
        if (config.PositionBiasedInput && maxLength > config.MaxPositionEmbeddings)
            throw new ArgumentException($"{method}: maxLength {maxLength} exceeds the model's max_position_embeddings {config.MaxPositionEmbeddings}.", nameof(maxLength));
        return new PretrainedFolder(method, folder, tokenizerFolder is null ? null : Path.GetFullPath(tokenizerFolder), config);
    }

    /// <summary>Loads the tokenizer of <see cref="TokenizerFolder"/>, or of the model folder when none was given.</summary>
    public DebertaTokenizerBase LoadTokenizer() => TokenizerFolder is null
        ? TokenizerFiles.Load(Folder, $"{Method}: the model folder", $"pass the folder that holds them as {Method}'s tokenizerFolder argument")
        : TokenizerFiles.Load(TokenizerFolder, $"{Method}: the tokenizerFolder");

    /// <summary>Loads the model, converted for inference in <paramref name="precision"/>; transformers' head warnings go to <paramref name="channel"/>.</summary>
    /// <exception cref="InvalidDataException">The checkpoint lacks weights the model needs (<paramref name="what"/> names the model).</exception>
    public TModel LoadModel<TModel>(IChannel channel, string what, DebertaPrecision precision) where TModel : DebertaPreTrainedModel
    {
        var model = DebertaCheckpoint.Load<TModel>(Folder, out var report,
            new CheckpointLoadOptions { Log = warning => channel.Warning(MessageSensitivity.None, warning), Precision = precision });
        if (report.NewlyInitializedKeys.Count > 0)
        {
            model.Dispose();
            throw new InvalidDataException($"{Method}: '{Folder}' lacks the weights {string.Join(", ", report.NewlyInitializedKeys.Take(8))}" +
                $"{(report.NewlyInitializedKeys.Count > 8 ? ", …" : "")}; it is not {what}, and those weights would be random.");
        }
        return model;
    }
}
