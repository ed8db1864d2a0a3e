using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta;

/// <summary>
/// Settings of masked-LM training (continued pretraining for domain adaptation, transformers' <c>run_mlm.py</c>) in
/// <see cref="DebertaCatalog.MaskedLanguageModeling(MaskedLanguageModelingOptions)"/>. Start from a checkpoint folder
/// (<see cref="ModelFolder"/>) or from scratch (<see cref="Config"/> + <see cref="TokenizerFolder"/>); the trained
/// model is written to <see cref="OutputFolder"/> as a Hugging Face folder.
/// </summary>
public sealed class MaskedLanguageModelingOptions
{
    /// <summary>The text column (String) holding the unlabelled domain texts.</summary>
    public string TextColumnName = "Text";

    /// <summary>A Hugging Face DeBERTa checkpoint folder to continue from (a masked LM, a bare backbone or a fine-tuned model:
    /// its encoder is kept; a masked-LM head <c>lm_predictions.lm_head.*</c> is kept too, any other head is dropped).</summary>
    public string? ModelFolder;

    /// <summary>The config of a model trained from scratch (instead of <see cref="ModelFolder"/>); needs <see cref="TokenizerFolder"/>.</summary>
    public DebertaConfig? Config;

    /// <summary>The tokenizer folder; defaults to <see cref="ModelFolder"/>. Its mask token must be an id the model knows.</summary>
    public string? TokenizerFolder;

    /// <summary>Where the trained masked LM is written (config.json, model.safetensors, tokenizer files); created if needed.</summary>
    public string? OutputFolder;

    /// <summary>Tokens per sequence (the block size); at most the model's max_position_embeddings.</summary>
    public int MaxLength = 128;

    /// <summary>
    /// True (default, as <c>run_mlm.py</c>): all texts are concatenated and cut into blocks of exactly
    /// <see cref="MaxLength"/> tokens (the tail shorter than a block is dropped). False (<c>--line_by_line</c>): one
    /// sequence per text, truncated to <see cref="MaxLength"/>.
    /// </summary>
    public bool GroupTexts = true;

    /// <summary>Probability that a token is selected for prediction; of those 80% become [MASK], 10% a random token, 10% stay.</summary>
    public double MaskProbability = 0.15;

    /// <summary>Select whole words (all pieces of a word, by the tokenizer's word boundaries) instead of single tokens.</summary>
    public bool WholeWordMasking;

    /// <summary>Sequences per optimizer step.</summary>
    public int BatchSize = 16;

    /// <summary>Passes over the training sequences (new masks each pass).</summary>
    public int Epochs = 3;

    /// <summary>The peak learning rate (linear warm-up, then linear decay to 0).</summary>
    public double LearningRate = 5e-5;

    /// <summary>Fraction of the steps spent warming up.</summary>
    public double WarmupRatio = 0.1;

    /// <summary>Decoupled AdamW weight decay (not on biases and LayerNorm weights).</summary>
    public double WeightDecay = 0.01;

    /// <summary>Global gradient-norm clipping; 0 disables it.</summary>
    public double MaxGradientNorm = 1.0;

    /// <summary>Seed of initialisation, shuffles, masks and dropout; null draws one from the MLContext's seed.</summary>
    public int? Seed;

    /// <summary>Held-out rows (same text column): the perplexity is measured before training and after every epoch, and the
    /// best epoch's weights are the ones saved.</summary>
    public IDataView? ValidationSet;

    /// <summary>Receives progress reports (the validation metric is named "perplexity").</summary>
    public IProgress<TrainingProgress>? Progress;

    /// <summary>Cancels <c>Fit</c> (nothing is written to the output folder then).</summary>
    public CancellationToken CancellationToken;

    /// <summary>A copy, so that later changes do not affect a trainer already created.</summary>
    internal MaskedLanguageModelingOptions Snapshot()
    {
        var copy = (MaskedLanguageModelingOptions)MemberwiseClone();
        copy.Config = Config?.Clone();
        return copy;
    }

    /// <summary>The Training layer's hyperparameters for a run with <paramref name="seed"/>.</summary>
    internal MaskedLMTrainingOptions TrainingOptions(int seed) => new()
    {
        BatchSize = BatchSize,
        Epochs = Epochs,
        LearningRate = LearningRate,
        WarmupRatio = WarmupRatio,
        WeightDecay = WeightDecay,
        MaxGradNorm = MaxGradientNorm,
        MaskProbability = MaskProbability,
        WholeWordMasking = WholeWordMasking,
        Seed = seed,
    };
}
