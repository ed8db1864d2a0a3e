using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Loads a tokenizer folder for the ML.NET layer, turning the tokenizer's own errors into ones that say which
/// folder and role, what is wrong and what to do (one sentence each), without repeating the inner message.</summary>
internal static class TokenizerFiles
{
    /// <summary>What a tokenizer folder must hold, as the messages say it.</summary>
    public const string ExpectedFiles = "spm.model or tokenizer.json for DeBERTa v2/v3, vocab.json and merges.txt (or tokenizer.json) for v1";

    /// <summary>Loads the DeBERTa tokenizer (v1 or v2/v3, chosen from the files) in <paramref name="folder"/>.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="what">Names the folder's role at the start of messages, e.g. "ApplyTextModel: the model folder".</param>
    /// <param name="elsewhere">How the caller can point at another folder, e.g. "pass the folder that holds them as the
    /// tokenizerFolder argument"; null when there is no other way.</param>
    /// <param name="options">Overrides of the folder's settings, or null.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">It holds no tokenizer files.</exception>
    /// <exception cref="InvalidDataException">A tokenizer file is corrupt or not a DeBERTa tokenizer.</exception>
    public static DebertaTokenizerBase Load(string folder, string what, string? elsewhere = null, DebertaTokenizerLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var full = Path.GetFullPath(folder);
        string orElsewhere = elsewhere is null ? "" : $", or {elsewhere}";
        if (!Directory.Exists(full))
            throw new DirectoryNotFoundException(
                $"{what} '{full}' does not exist. Check the path (a relative path starts from '{Environment.CurrentDirectory}'){orElsewhere}.");
        try
        {
            return DebertaTokenizerBase.FromFolder(full, options);
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException(
                $"{what} '{full}' has no tokenizer files ({ExpectedFiles}). " +
                $"Copy them there from the checkpoint the model came from{orElsewhere}.", e.FileName, e);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or System.Text.Json.JsonException)
        {
            // The tokenizer's own message names the file and what is wrong with it; it is the cause sentence here.
            throw new InvalidDataException(
                $"{what} '{full}' holds a tokenizer that cannot be used: {Sentence(e.Message)} " +
                $"Use the tokenizer files saved with the checkpoint{orElsewhere}.", e);
        }
    }

    private static string Sentence(string message) => message.EndsWith('.') ? message : message + ".";
}
