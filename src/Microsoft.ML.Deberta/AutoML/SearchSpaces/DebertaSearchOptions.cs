using Microsoft.ML.SearchSpace;

namespace Microsoft.ML.Deberta.AutoML;

/// <summary>
/// The default DeBERTa search space, declared with ML.NET's search-space attributes (Microsoft.ML 5.0.1): the
/// fine-tuning table of the AutoML design (learning rate on a log scale, batch size, epochs, warm-up, weight decay,
/// max length, model). Each initial value is the cheapest or the usual choice, since the cost-frugal tuner starts
/// there. Read it with <see cref="HyperparameterSpace.FromOptions{TOptions}"/>, or start from
/// <see cref="DebertaSearchSpaces"/>, which also fills in the models. Field names match <see cref="TextTrainerOptions"/>.
/// </summary>
public sealed class DebertaSearchOptions
{
    /// <summary>The peak learning rate: log [1e-5, 1e-4], init 3e-5 (pre-trained checkpoints).</summary>
    [Range(1e-5, 1e-4, 3e-5, true)]
    public double LearningRate = 3e-5;

    /// <summary>Examples per step: {8, 16, 32}, init 16.</summary>
    [Choice(new object[] { 8, 16, 32 }, 16)]
    public int BatchSize = 16;

    /// <summary>Passes over the data: [1, 6], init 2.</summary>
    [Range(1, 6, 2)]
    public int Epochs = 2;

    /// <summary>Warm-up fraction: [0, 0.2], init 0.1.</summary>
    [Range(0.0, 0.2, 0.1)]
    public double WarmupRatio = 0.1;

    /// <summary>AdamW weight decay: [0, 0.1], init 0.01.</summary>
    [Range(0.0, 0.1, 0.01)]
    public double WeightDecay = 0.01;

    /// <summary>Tokens per example: {128, 256, 512}, init 128.</summary>
    [Choice(new object[] { 128, 256, 512 }, 128)]
    public int MaxLength = 128;

    /// <summary>
    /// The model: a Hugging Face checkpoint folder, or a from-scratch size of <see cref="ScratchModelSizes"/>. The
    /// attribute lists the from-scratch sizes (no checkpoint folder is known at compile time).
    /// </summary>
    [Choice(new object[] { ScratchModelSizes.Tiny, ScratchModelSizes.Mini, ScratchModelSizes.Small }, ScratchModelSizes.Tiny)]
    public string Model = ScratchModelSizes.Tiny;
}
