using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Reads the parts every DeBERTa payload shares (a Hugging Face folder plus <c>text_encoding.json</c>), turning their
/// errors into <see cref="InvalidDataException"/>s that say the saved model is incomplete or altered.
/// </summary>
internal static class SavedPayloadFolder
{
    /// <summary>The encoding (with its forward-pass batch size split off) and the tokenizer.</summary>
    public static (TextEncodingSettings Encoding, int BatchSize, DebertaTokenizerBase Tokenizer) ReadEncoding(string folder)
    {
        try
        {
            var encoding = TextEncodingSettings.Read(Path.Combine(folder, TextEncodingSettings.FileName));
            var tokenizer = TokenizerFiles.Load(folder, "The saved model's tokenizer folder");
            int batchSize = encoding.InferenceBatchSize ?? TextEncodingSettings.DefaultInferenceBatchSize;
            return (encoding with { InferenceBatchSize = null }, batchSize, tokenizer);
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidDataException($"The saved model is incomplete: {e.Message}", e);
        }
    }

    /// <summary>Writes what <see cref="ReadEncoding"/> and <see cref="LoadModel{TModel}"/> read back: the Hugging Face folder (model and tokenizer) and <c>text_encoding.json</c>.</summary>
    public static void Write(string folder, DebertaPreTrainedModel model, DebertaTokenizerBase tokenizer, TextEncodingSettings encoding, int batchSize)
    {
        model.SavePretrained(folder);
        tokenizer.SavePretrained(folder);
        (encoding with { InferenceBatchSize = batchSize, InferencePrecision = PrecisionRules.Saved(model) }).Write(Path.Combine(folder, TextEncodingSettings.FileName));
    }

    /// <summary>
    /// The model, which must find every weight it needs in the folder, converted to the precision the payload saved
    /// (<paramref name="savedPrecision"/>, its settings file's <c>inference_precision</c>; null for float32).
    /// </summary>
    public static TModel LoadModel<TModel>(string folder, DebertaPrecision? savedPrecision) where TModel : DebertaPreTrainedModel
    {
        try
        {
            var model = DebertaCheckpoint.Load<TModel>(folder, out var report, new CheckpointLoadOptions { Precision = PrecisionRules.FromSaved(savedPrecision) });
            if (report.NewlyInitializedKeys.Count > 0)
            {
                model.Dispose();
                throw new InvalidDataException(
                    $"The saved model's weights lack {string.Join(", ", report.NewlyInitializedKeys)}; the file is incomplete or was altered.");
            }
            return model;
        }
        catch (Exception e) when (e is FileNotFoundException or DebertaConfigException or CheckpointMismatchException)
        {
            throw new InvalidDataException($"The saved model cannot be read: {e.Message}", e);
        }
    }
}
