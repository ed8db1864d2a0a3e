using System.Globalization;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Continues pretraining a <see cref="DebertaForMaskedLM"/> on unlabelled sequences (domain adaptation, as
/// transformers' <c>run_mlm.py</c>): every batch is masked afresh (<c>DataCollatorForLanguageModeling</c> semantics,
/// optionally whole words), padded, and trained with the classifier's recipe (AdamW groups, warm-up/decay, clipping,
/// per-epoch seeded shuffles, a seeded dropout generator of the run's own).
/// </summary>
/// <remarks>
/// The loss is the mean cross-entropy over the batch's masked positions. With a validation set, the perplexity
/// exp(Σ cross-entropy / masked positions) is measured before training and after every epoch on masks drawn once
/// from the seed, so epochs are compared on the same task; the best epoch's weights are restored at the end.
/// Cancellation throws <see cref="OperationCanceledException"/> between steps; the model keeps its last step.
/// </remarks>
internal sealed class MaskedLMTrainer
{
    /// <summary>The name of the validation metric in progress reports and epoch summaries.</summary>
    public const string PerplexityMetricName = "perplexity";

    private readonly MaskedLMTrainingOptions _options;

    /// <summary>Creates a trainer with the given hyperparameters (validated here).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (the mask probability outside (0, 1), …).</exception>
    public MaskedLMTrainer(MaskedLMTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
    }

    /// <summary>Trains the model in place.</summary>
    /// <param name="model">The masked LM (either head).</param>
    /// <param name="maskTokenId">The tokenizer's mask token id.</param>
    /// <param name="tokenizerSize">Random replacements are drawn from [0, tokenizerSize) (transformers: <c>len(tokenizer)</c>).</param>
    /// <param name="train">Training sequences (see <see cref="LanguageModelingExamples"/>).</param>
    /// <param name="validation">Optional held-out sequences for the perplexity.</param>
    /// <param name="progress">Optional progress sink.</param>
    /// <param name="log">Optional log sink (one line per epoch).</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <exception cref="ArgumentException">The mask id or vocabulary does not fit the model, or a sequence is empty,
    /// too long or holds an id outside the vocabulary (checked before training starts).</exception>
    public TrainingResult Train(
        DebertaForMaskedLM model, int maskTokenId, int tokenizerSize,
        IReadOnlyList<LanguageModelingExample> train, IReadOnlyList<LanguageModelingExample>? validation = null,
        IProgress<TrainingProgress>? progress = null, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        int vocab = model.Config.VocabSize;
        if (maskTokenId < 0 || maskTokenId >= vocab)
            throw new ArgumentException(
                $"The mask token id {maskTokenId} is outside the model's vocabulary (vocab_size {vocab}): the model cannot read or predict it. " +
                "Use the tokenizer the model was trained with.", nameof(maskTokenId));
        if (tokenizerSize < 1 || tokenizerSize > vocab)
            throw new ArgumentException(
                $"The tokenizer has {tokenizerSize} ids but the model's vocab_size is {vocab}; random replacements must be ids the model knows.",
                nameof(tokenizerSize));
        if (train.Count == 0)
            throw new ArgumentException("The training set is empty.", nameof(train));
        CheckExamples(model, train, nameof(train));
        if (validation is not null)
        {
            if (validation.Count == 0)
                throw new ArgumentException("The validation set is empty; pass null for no validation.", nameof(validation));
            CheckExamples(model, validation, nameof(validation));
        }
        cancellationToken.ThrowIfCancellationRequested();
        var masker = new LanguageModelingMasker(maskTokenId, tokenizerSize, _options.MaskProbability, _options.WholeWordMasking);
        return new MaskedLMRun(_options, model, masker, train, validation, progress, log, cancellationToken).Execute();
    }

    /// <summary>
    /// The perplexity of <paramref name="model"/> on already masked <paramref name="examples"/>: exp(Σ cross-entropy over masked positions / their count), in eval mode without gradients.
    /// </summary>
    internal static double Perplexity(DebertaForMaskedLM model, IReadOnlyList<MaskedSequence> examples, int batchSize,
        CancellationToken cancellationToken)
    {
        double sum = 0;
        long count = 0;
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            var device = SequenceClassificationPredictor.ModelDevice(model);
            for (int start = 0; start < examples.Count; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                var rows = examples.Skip(start).Take(batchSize).ToList();
                var (batch, labels) = MaskedSequence.Batch(rows, model.Config.PadTokenId ?? 0, device);
                sum += model.SummedLossAtTargets(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, labels).to_type(ScalarType.Float64).item<double>();
                count += rows.Sum(r => r.TargetCount);
            }
        }
        finally
        {
            if (wasTraining) model.train();
        }
        return count == 0 ? double.NaN : Math.Exp(sum / count);
    }

    private static void CheckExamples(DebertaForMaskedLM model, IReadOnlyList<LanguageModelingExample> examples, string name)
    {
        var config = model.Config;
        for (int i = 0; i < examples.Count; i++)
        {
            var e = examples[i] ?? throw new ArgumentException($"{name}[{i}] is null.", name);
            if (e.InputIds.Length == 0)
                throw new ArgumentException($"{name}[{i}] has no tokens.", name);
            if (e.SpecialTokens.Length != e.InputIds.Length || e.WordIds.Length != e.InputIds.Length)
                throw new ArgumentException($"{name}[{i}] has {e.InputIds.Length} ids but {e.SpecialTokens.Length} special-token flags and {e.WordIds.Length} word ids.", name);
            if (e.InputIds.Length > config.MaxPositionEmbeddings)
                throw new ArgumentException(
                    $"{name}[{i}] has {e.InputIds.Length} tokens, more than the model's max_position_embeddings {config.MaxPositionEmbeddings}.", name);
            foreach (int id in e.InputIds)
                if (id < 0 || id >= config.VocabSize)
                    throw new ArgumentException(
                        $"{name}[{i}] holds token id {id}, outside the model's vocab_size {config.VocabSize}. Is the tokenizer the model's own?", name);
        }
    }

    internal static string Format(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
