using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks.TokenClassification;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// A DeBERTa token classifier behind the structured seam: <see cref="PrepareBatch"/> splits each text into words and
/// encodes them into stride windows (outside the lock); <see cref="ScoreBatch"/> runs the windows of the whole batch
/// in batched forward passes, reads one label per word at its first token, and groups entities with the pipeline's
/// aggregation over the same logits. Payload: a Hugging Face folder (config with id2label, weights, tokenizer) plus
/// <c>token_classification.json</c>.
/// </summary>
internal sealed class TokenClassificationScorer : IDebertaRowScorer<TokenClassificationRow>
{
    /// <summary>The payload kind this scorer writes and <see cref="TokenClassificationReader"/> reads.</summary>
    public const string Kind = "deberta-token-classifier";

    private readonly TokenClassificationDecoder _decoder;
    private DebertaForTokenClassification? _model;

    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="model">The model; owned (disposed) by this scorer from now on. Its id2label names the labels.</param>
    /// <param name="encoding">Windows, aggregation and batch size.</param>
    public TokenClassificationScorer(DebertaTokenizerBase tokenizer, DebertaForTokenClassification model, TokenClassificationEncoding encoding)
    {
        Tokenizer = tokenizer;
        _model = model;
        Encoding = encoding;
        Labels = CheckpointClassNames.Of(model.Config);
        _decoder = new TokenClassificationDecoder(tokenizer, Labels);
        // Scoring only: eval mode (dropout off) for good, and, as the scorer owns the weights, the relative-position
        // projections kept between passes.
        model.ConvertForInference(model.Precision);
    }

    public string PayloadKind => Kind;

    public DebertaTokenizerBase Tokenizer { get; }

    public TokenClassificationEncoding Encoding { get; }

    /// <summary>The label names in id order (the model's id2label).</summary>
    public IReadOnlyList<string> Labels { get; }

    public DebertaForTokenClassification Model => _model ?? throw new ObjectDisposedException(nameof(TokenClassificationScorer));

    /// <summary>A batch's words, their starts in the text, and their windows (the model-free part, shared with the ONNX Runtime scorer).</summary>
    internal sealed record Prepared(string[][] Words, int[][] Starts, IReadOnlyList<DebertaEncoding>[] Windows);

    public object? PrepareBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs) => Prepare(Tokenizer, Encoding, texts);

    /// <summary>Splits each text into words and encodes them into stride windows.</summary>
    internal static Prepared Prepare(DebertaTokenizerBase tokenizer, TokenClassificationEncoding encoding, IReadOnlyList<string> texts)
    {
        var split = texts.Select(TextWords.Split).ToArray();
        return new Prepared([.. split.Select(s => s.Words)], [.. split.Select(s => s.Starts)],
            [.. split.Select(s => encoding.Windows(tokenizer, s.Words))]);
    }

    public IReadOnlyList<TokenClassificationRow> ScoreBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, object? prepared)
    {
        var p = prepared as Prepared ?? Prepare(Tokenizer, Encoding, texts);
        var flat = p.Windows.SelectMany(w => w).ToList();
        var logits = flat.Count == 0 ? [] : TokenLevelPredictor.PredictTokenLogits(Model, flat, Encoding.InferenceBatchSize, CancellationToken.None);
        return Rows(texts, p, logits, Labels.Count, _decoder, Encoding.Aggregation);
    }

    /// <summary>
    /// Each row's words and entities from the token logits of all the batch's windows (rows' windows one after the other):
    /// the part after the forward pass, shared with the ONNX Runtime scorer.
    /// </summary>
    internal static TokenClassificationRow[] Rows(IReadOnlyList<string> texts, Prepared p, float[][] windowLogits, int labelCount,
        TokenClassificationDecoder decoder, EntityAggregation aggregation)
    {
        var logits = new List<float[][]>(texts.Count);
        var words = TokenClassificationWordPredictor.Decode(p.Windows, [.. p.Words.Select(w => w.Length)], windowLogits, labelCount, logits);
        var options = new TokenClassificationDecodingOptions { Aggregation = aggregation };
        var rows = new TokenClassificationRow[texts.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            // The entity's text is the text it spans (the pipeline's `word` joins token strings, BPE spaces included).
            var entities = p.Windows[i].Count == 0 ? []
                : WordEntityDecoder.Decode(decoder, texts[i], p.Starts[i], p.Windows[i], logits[i], options)
                    .Select(e => e with { Word = texts[i][e.Start..e.End] }).ToArray();
            rows[i] = new TokenClassificationRow([.. words[i].Select(w => w.LabelId)], [.. words[i].Select(w => w.Score)], entities);
        }
        return rows;
    }

    public void SavePayload(string folder)
    {
        Model.SavePretrained(folder);
        Tokenizer.SavePretrained(folder);
        (Encoding with { InferencePrecision = PrecisionRules.Saved(Model) }).Write(Path.Combine(folder, TokenClassificationEncoding.FileName));
    }

    /// <summary>
    /// Opens a token-classification folder (a payload <see cref="SavePayload"/> wrote, or a fine-tuned checkpoint):
    /// its tokenizer (or <paramref name="tokenizerFolder"/>'s) and the model, refusing one whose head weights are missing.
    /// </summary>
    /// <exception cref="InvalidDataException">Files are missing or do not fit a token classifier.</exception>
    public static TokenClassificationScorer Open(string folder, string? tokenizerFolder, TokenClassificationEncoding encoding, string what, Action<string>? log = null)
    {
        DebertaTokenizerBase tokenizer;
        DebertaForTokenClassification model;
        try
        {
            tokenizer = TokenizerFiles.Load(tokenizerFolder ?? folder, what, options: TokenClassificationEncoding.TokenizerOptions);
            model = DebertaCheckpoint.Load<DebertaForTokenClassification>(folder, out var report, new CheckpointLoadOptions { Log = log, Precision = PrecisionRules.FromSaved(encoding.InferencePrecision) });
            if (report.NewlyInitializedKeys.Count > 0)
            {
                model.Dispose();
                throw new InvalidDataException(
                    $"{what}: '{folder}' lacks the weights {string.Join(", ", report.NewlyInitializedKeys)}; it is not a fine-tuned token classifier.");
            }
        }
        catch (Exception e) when (e is FileNotFoundException or Configuration.DebertaConfigException or CheckpointMismatchException)
        {
            throw new InvalidDataException($"{what}: '{folder}' cannot be read: {e.Message}", e);
        }
        try
        {
            return new TokenClassificationScorer(tokenizer, model, encoding);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
    }
}
