using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta;

public sealed partial class DebertaCatalog
{
    /// <summary>
    /// Proposes words for the mask token(s) (<c>[MASK]</c>) of each text with a masked-LM checkpoint, by transformers'
    /// <c>fill-mask</c> rules. Adds variable-length vectors of masks × <paramref name="topK"/> values, mask by mask and
    /// best first: <c>Tokens</c> (Text), <c>Score</c> (Single), <c>Sequences</c> (the text with that mask filled) and
    /// <c>TokenIds</c>; a PredictionEngine class binds them with array properties. A checkpoint without a trained
    /// masked-LM head is an error (transformers would fill it at random).
    /// </summary>
    /// <param name="modelFolder">A checkpoint folder with a trained masked-LM head and its tokenizer files.</param>
    /// <param name="textColumnName">The text column; every text must hold the mask token.</param>
    /// <param name="topK">Propositions per mask.</param>
    /// <param name="targets">Only propose these words (null: the whole vocabulary).</param>
    /// <param name="maxLength">Tokens per text.</param>
    /// <param name="batchSize">Texts per forward pass.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">A setting is out of range or the targets are empty.</exception>
    public IEstimator<StructuredScoringTransformer> FillMask(string modelFolder, string textColumnName = "Text", int topK = 5,
        IEnumerable<string>? targets = null, int maxLength = 512, int batchSize = 32) =>
        FillMask(new FillMaskOptions
        {
            ModelFolder = modelFolder, TextColumnName = textColumnName, TopK = topK, Targets = targets?.ToArray(), MaxLength = maxLength, BatchSize = batchSize,
        });

    /// <summary>Fill-mask; see <see cref="FillMaskOptions"/> and the flat overload.</summary>
    /// <param name="options">The checkpoint, columns, top_k and targets.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">A setting is out of range or the targets are empty.</exception>
    public IEstimator<StructuredScoringTransformer> FillMask(FillMaskOptions options)
    {
        const string Method = nameof(FillMask);
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Snapshot();
        TextTrainerOptionsRules.AtLeast(o.TopK, 1, nameof(o.TopK), Method);
        TextTrainerOptionsRules.AtLeast(o.BatchSize, 1, nameof(o.BatchSize), Method);
        PrecisionRules.Check(o.InferencePrecision, nameof(o.InferencePrecision), Method);
        if (o.Targets is { Length: 0 } || o.Targets?.Any(string.IsNullOrEmpty) == true)
            throw new ArgumentException($"{Method}: Targets is empty or holds an empty word; give the words to choose from, or null for the whole vocabulary.", nameof(options));
        var encoding = EncodingRules.Check(Method, o.MaxLength, LongTextStrategy.Truncate, null, pair: false);
        var folder = PretrainedFolder.Open(Method, o.ModelFolder, o.TokenizerFolder, o.MaxLength);
        if (o.TopK > folder.Config.VocabSize)
            throw new ArgumentOutOfRangeException(nameof(options), o.TopK, $"{Method}: TopK {o.TopK} exceeds the model's vocabulary of {folder.Config.VocabSize}.");
        var columns = new FillMaskColumns(o.TokensColumnName, o.ScoreColumnName, o.SequencesColumnName, o.TokenIdsColumnName);
        var settings = new FillMaskPayloadSettings { TopK = o.TopK, Targets = o.Targets, MaxLength = encoding.MaxLength, BatchSize = o.BatchSize };
        // MaskedLMCheckpoint.LoadTrained: a checkpoint without a trained masked-LM head is an error, not random output.
        return new PretrainedRowScorerEstimator<FillMaskRow>(this, Method, new TextColumns(o.TextColumnName), columns, settings.BatchSize, channel =>
        {
            var tokenizer = folder.LoadTokenizer();
            var model = MaskedLMCheckpoint.LoadTrained(folder.Folder, new CheckpointLoadOptions
            {
                Log = warning => channel.Warning(MessageSensitivity.None, warning),
                Precision = o.InferencePrecision,
            });
            try
            {
                var scorer = new FillMaskScorer(tokenizer, model, settings);
                foreach (var warning in scorer.TargetWarnings)
                    channel.Warning(MessageSensitivity.None, warning);
                return scorer;
            }
            catch
            {
                model.Dispose();
                throw;
            }
        });
    }
}
