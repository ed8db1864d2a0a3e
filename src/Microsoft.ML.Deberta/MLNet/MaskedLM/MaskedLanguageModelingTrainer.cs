using System.Diagnostics;
using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tokenization;
using Microsoft.ML.Deberta.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta;

/// <summary>
/// Masked-LM training on a text column (domain adaptation before fine-tuning, as transformers' <c>run_mlm.py</c>),
/// created by <c>mlContext.Transforms.Deberta.MaskedLanguageModeling(…)</c>. <see cref="Fit"/> reads the texts,
/// trains and writes a Hugging Face masked-LM folder, which is what the next step wants: pass
/// <see cref="MaskedLanguageModelingResult.ModelFolder"/> to <c>TextClassification</c> (or any DeBERTa catalog method taking
/// a model folder) to fine-tune the adapted model, or load it for fill-mask.
/// </summary>
/// <remarks>
/// It is not an <see cref="IEstimator{TTransformer}"/>: its product is a checkpoint for later training, not columns
/// added to rows, so it does not sit inside a scoring pipeline. Masking follows <c>DataCollatorForLanguageModeling</c>
/// (see <see cref="MaskedLanguageModelingOptions"/>); training follows the classifier's recipe; the log reaches
/// <see cref="MLContext.Log"/>.
/// </remarks>
public sealed class MaskedLanguageModelingTrainer
{
    private const string Method = "MaskedLanguageModeling";
    private readonly DebertaCatalog _catalog;
    private readonly MaskedLanguageModelingOptions _options;
    private readonly int _seed;

    internal MaskedLanguageModelingTrainer(DebertaCatalog catalog, MaskedLanguageModelingOptions options)
    {
        _catalog = catalog;
        _options = options;
        // Drawn now, so fitting the same trainer twice trains the same model.
        _seed = options.Seed ?? catalog.NextSeed();
    }

    /// <summary>Trains on <paramref name="trainingData"/>'s text column and writes the model to the output folder.</summary>
    /// <param name="trainingData">Rows with the text column; empty texts are an error (with the row number).</param>
    /// <returns>The folder written and the per-epoch losses and validation perplexities.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The text column is missing or not text.</exception>
    /// <exception cref="InvalidDataException">A row has an empty text, or there are no rows / too few tokens for one block.</exception>
    /// <exception cref="ArgumentException">The checkpoint, tokenizer and settings do not fit together (checked before any row is read).</exception>
    /// <exception cref="OperationCanceledException">The options' cancellation token was signalled; nothing is written.</exception>
    public MaskedLanguageModelingResult Fit(IDataView trainingData)
    {
        ArgumentNullException.ThrowIfNull(trainingData);
        var o = _options;
        var token = o.CancellationToken;
        var start = MaskedLMStart.Resolve(o);
        using var channel = _catalog.StartChannel(Method);
        channel.Info(MessageSensitivity.None, $"{Method}: {start.Description}.");

        var clock = Stopwatch.StartNew();
        var train = Examples(start.Tokenizer, TextColumnReader.Read(trainingData, o.TextColumnName, "training data", token), "training data");
        var validation = o.ValidationSet is null ? null
            : Examples(start.Tokenizer, TextColumnReader.Read(o.ValidationSet, o.TextColumnName, "validation data", token), "validation data");
        channel.Info(MessageSensitivity.None, $"{Method}: {train.Count} training sequences" +
            (validation is null ? "" : $" and {validation.Count} validation sequences") +
            $" of up to {o.MaxLength} tokens ({(o.GroupTexts ? "texts grouped into blocks" : "one per text")}), tokenized in {clock.Elapsed.TotalSeconds:0.0} s.");
        token.ThrowIfCancellationRequested();

        using var model = CreateModel(start, channel);
        var trainer = new MaskedLMTrainer(o.TrainingOptions(_seed));
        var result = trainer.Train(model, start.Tokenizer.MaskTokenId, start.Tokenizer.VocabularySize, train, validation,
            o.Progress, line => channel.Info(MessageSensitivity.None, $"{Method}: {line}"), token);
        token.ThrowIfCancellationRequested();

        var output = Path.GetFullPath(o.OutputFolder!);
        model.SavePretrained(output);
        start.Tokenizer.SavePretrained(output);
        channel.Info(MessageSensitivity.None, $"{Method}: saved epoch {result.BestEpoch}'s weights to '{output}'.");
        return new MaskedLanguageModelingResult(output, result.Epochs, result.BestEpoch, result.InitialValidationMetric);
    }

    private IReadOnlyList<LanguageModelingExample> Examples(DebertaTokenizerBase tokenizer, IReadOnlyList<string> texts, string what)
    {
        var options = _options.GroupTexts
            ? DebertaEncodeOptions.Default
            : new DebertaEncodeOptions { MaxLength = _options.MaxLength, Truncation = DebertaTruncation.LongestFirst };
        var encodings = tokenizer.EncodeBatch(texts, options);
        try
        {
            return LanguageModelingExamples.Build(encodings, _options.MaxLength, _options.GroupTexts);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{Method}: the {what}: {e.Message}", e);
        }
    }

    private DebertaForMaskedLM CreateModel(MaskedLMStart start, IChannel channel)
    {
        if (start.WeightsFolder is null)
            return new DebertaForMaskedLM(start.Config, _seed);
        var (model, report) = DebertaCheckpoint.LoadWeights(start.WeightsFolder, typeof(DebertaForMaskedLM), start.Config, _seed, legacy: false);
        foreach (var warning in report.Warnings)
            channel.Info(MessageSensitivity.None, $"{Method}: {warning}");
        if (report.NewlyInitializedKeys.Count > 0)
            channel.Info(MessageSensitivity.None,
                $"{Method}: the checkpoint has no lm_predictions.lm_head.* head; a new one is trained ({report.NewlyInitializedKeys.Count} tensors).");
        return (DebertaForMaskedLM)model;
    }
}
