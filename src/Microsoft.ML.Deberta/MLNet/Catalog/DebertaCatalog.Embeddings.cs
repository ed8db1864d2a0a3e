using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta;

public sealed partial class DebertaCatalog
{
    /// <summary>
    /// Turns a text column (or a pair) into an embedding: a <c>Vector&lt;Single&gt;</c> of the model's hidden size, the
    /// last layer of a DeBERTa checkpoint pooled over the tokens (mean over the attention mask by default, or
    /// <c>[CLS]</c>, or max), optionally L2-normalised. Texts longer than <paramref name="maxLength"/> are embedded
    /// window by window and the windows averaged. Use the column as the features of an ML.NET trainer, or for
    /// similarity search. An empty text is an error (it has nothing to embed).
    /// </summary>
    /// <param name="modelFolder">A Hugging Face checkpoint folder (any head; only the backbone is used) with its tokenizer files.</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="outputColumnName">The added vector column.</param>
    /// <param name="pooling">How token vectors become one vector.</param>
    /// <param name="normalize">Scale each vector to unit length.</param>
    /// <param name="textPairColumnName">A second text column embedded with the first, or null.</param>
    /// <param name="maxLength">Tokens per window, special tokens included.</param>
    /// <param name="batchSize">Rows per forward pass.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public IEstimator<TextScoringTransformer> TextEmbedding(string modelFolder, string textColumnName = "Text", string outputColumnName = "Features",
        EmbeddingPooling pooling = EmbeddingPooling.Mean, bool normalize = false, string? textPairColumnName = null, int maxLength = 512, int batchSize = 32) =>
        TextEmbedding(new TextEmbeddingOptions
        {
            ModelFolder = modelFolder, TextColumnName = textColumnName, OutputColumnName = outputColumnName, Pooling = pooling,
            Normalize = normalize, TextPairColumnName = textPairColumnName, MaxLength = maxLength, BatchSize = batchSize,
        });

    /// <summary>Text embeddings; see <see cref="TextEmbeddingOptions"/> and the flat overload.</summary>
    /// <param name="options">The checkpoint, columns, pooling and encoding.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public IEstimator<TextScoringTransformer> TextEmbedding(TextEmbeddingOptions options)
    {
        const string Method = nameof(TextEmbedding);
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Snapshot();
        if (!Enum.IsDefined(o.Pooling))
            throw new ArgumentOutOfRangeException(nameof(options), o.Pooling, $"{Method}: unknown pooling.");
        ArgumentException.ThrowIfNullOrWhiteSpace(o.OutputColumnName, nameof(o.OutputColumnName));
        TextTrainerOptionsRules.AtLeast(o.BatchSize, 1, nameof(o.BatchSize), Method);
        PrecisionRules.Check(o.InferencePrecision, nameof(o.InferencePrecision), Method);
        var encoding = EncodingRules.Check(Method, o.MaxLength, o.LongTextStrategy, o.Stride, o.TextPairColumnName is not null);
        var folder = PretrainedFolder.Open(Method, o.ModelFolder, o.TokenizerFolder, o.MaxLength);
        var embedding = new EmbeddingPayloadSettings { Pooling = o.Pooling, Normalize = o.Normalize };
        var predictions = PredictionColumns.Features(new OutputColumnNames(Score: o.OutputColumnName), folder.Config.HiddenSize);
        return new PretrainedScorerEstimator(this, Method, new TextColumns(o.TextColumnName, o.TextPairColumnName), predictions, o.BatchSize,
            channel => new DebertaEmbeddingScorer(folder.LoadTokenizer(), folder.LoadModel<DebertaModel>(channel, "a DeBERTa checkpoint", o.InferencePrecision),
                encoding, embedding, o.BatchSize));
    }
}
