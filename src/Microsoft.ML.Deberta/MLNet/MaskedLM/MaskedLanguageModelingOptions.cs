using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Training;

namespace Microsoft.ML.Deberta;

/// <summary>
/// Settings of masked-LM training (continued pretraining for domain adaptation, transformers' <c>run_mlm.py</c>) in
/// <see cref="DebertaCatalog.MaskedLanguageModeling(MaskedLanguageModelingOptions)"/>. Start from a checkpoint folder
/// (<see cref="DebertaFineTuningOptions.ModelFolder"/>) or from scratch (<see cref="DebertaFineTuningOptions.Config"/> + <see cref="DebertaFineTuningOptions.TokenizerFolder"/>); the trained
/// model is written to <see cref="OutputFolder"/> as a Hugging Face folder.
/// </summary>
/// <remarks>
/// <para>From a checkpoint (a masked LM, a bare backbone or a fine-tuned model) the encoder is kept, and a masked-LM head
/// <c>lm_predictions.lm_head.*</c> too; any other head is dropped. The tokenizer's mask token must be an id the model
/// knows.</para>
/// <para>On the <see cref="DebertaFineTuningOptions.ValidationSet"/> (same text column) the perplexity is measured before
/// training and after every epoch (progress reports name it "perplexity"), and the best epoch's weights are the ones
/// saved. Each epoch draws new masks. Cancelling writes nothing to the output folder.</para>
/// </remarks>
public sealed class MaskedLanguageModelingOptions : DebertaFineTuningOptions
{
    /// <summary>The text column (String) holding the unlabelled domain texts.</summary>
    public string TextColumnName = "Text";

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

    /// <summary>The task's own default: a peak learning rate of 5e-5 (<c>run_mlm.py</c>'s).</summary>
    public MaskedLanguageModelingOptions()
    {
        LearningRate = 5e-5;
    }

    /// <summary>A copy, so that later changes do not affect a trainer already created.</summary>
    internal MaskedLanguageModelingOptions Snapshot() => SnapshotAs<MaskedLanguageModelingOptions>();

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
        CheckpointFolder = CheckpointFolder,
        CheckpointEverySteps = CheckpointEverySteps,
    };
}
