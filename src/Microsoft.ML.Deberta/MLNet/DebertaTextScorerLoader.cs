using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>Reads back what <see cref="DebertaTextScorer.SavePayload"/> wrote: a Hugging Face folder plus <c>text_encoding.json</c>.</summary>
internal sealed class DebertaTextScorerLoader : IDebertaTextScorerLoader
{
    public string PayloadKind => DebertaTextScorer.Kind;

    public IDebertaTextScorer Load(string folder)
    {
        TextEncodingSettings encoding;
        Tokenization.DebertaTokenizerBase tokenizer;
        try
        {
            encoding = TextEncodingSettings.Read(Path.Combine(folder, TextEncodingSettings.FileName));
            tokenizer = TokenizerFiles.Load(folder, "The saved model's tokenizer folder");
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidDataException($"The saved model is incomplete: {e.Message}", e);
        }
        DebertaForSequenceClassification model;
        try
        {
            model = DebertaCheckpoint.Load<DebertaForSequenceClassification>(folder, out var report);
            if (report.NewlyInitializedKeys.Count > 0)
            {
                model.Dispose();
                throw new InvalidDataException(
                    $"The saved model's weights lack {string.Join(", ", report.NewlyInitializedKeys)}; the file is incomplete or was altered.");
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DebertaConfigException or CheckpointMismatchException)
        {
            throw new InvalidDataException($"The saved model cannot be read: {e.Message}", e);
        }
        int batchSize = encoding.InferenceBatchSize ?? TextEncodingSettings.DefaultInferenceBatchSize;
        return new DebertaTextScorer(tokenizer, model, encoding with { InferenceBatchSize = null }, batchSize);
    }
}
