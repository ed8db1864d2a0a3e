using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta;

/// <summary>What <see cref="MaskedLanguageModelingTrainer.Fit"/> produced.</summary>
/// <param name="ModelFolder">The Hugging Face folder written: a <c>…ForMaskedLM</c> with the <c>lm_predictions.lm_head.*</c>
/// head (legacy false) and the tokenizer; a starting checkpoint for <c>TextClassification</c> and the like, or for fill-mask.</param>
/// <param name="Epochs">One summary per epoch (the validation metric is the perplexity).</param>
/// <param name="BestEpoch">The epoch whose weights were saved.</param>
/// <param name="InitialValidationPerplexity">The validation perplexity before training, when a validation set was given.</param>
public sealed record MaskedLanguageModelingResult(
    string ModelFolder, IReadOnlyList<EpochSummary> Epochs, int BestEpoch, double? InitialValidationPerplexity)
{
    /// <summary>The validation perplexity of the saved weights, when a validation set was given.</summary>
    public double? ValidationPerplexity => Epochs.FirstOrDefault(e => e.Epoch == BestEpoch)?.ValidationMetric;
}
