using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// Dropout as transformers' DeBERTa <c>StableDropout</c>/<c>XDropout</c> computes it — zero each element with
/// probability p, scale the rest by 1/(1 − p) — with the mask drawn from the generator the model was given
/// (<see cref="DebertaPreTrainedModel.DropoutGenerator"/>) instead of TorchSharp's process-wide one, on every core
/// (<see cref="DropoutMasks"/>).
/// </summary>
/// <remarks>
/// A training run gives the model its own seeded generator, so two runs on two threads, or other TorchSharp code
/// drawing random numbers meanwhile, cannot change each other's masks, and the user's global generator is left alone.
/// Without a generator (a model trained by the caller's own loop) it behaves as <c>nn.Dropout</c>.
/// </remarks>
internal sealed class StableDropout : nn.Module<Tensor, Tensor>
{
    private readonly double probability;

    public StableDropout(double probability)
        : base(nameof(StableDropout))
    {
        this.probability = probability;
    }

    /// <summary>Where masks are drawn from; null for TorchSharp's global generator.</summary>
    internal Generator? Generator { get; set; }

    public override Tensor forward(Tensor input) => Drop(input, firstPositionsOf: null);

    /// <summary>
    /// Dropout of <paramref name="input"/>, (B, 1, D), as the first positions of a (B, <paramref name="length"/>, D)
    /// tensor: with the model's generator, the elements dropped are those the whole tensor's mask drops there
    /// (<see cref="DropoutMasks.ScaledFirstPositions"/>), so a layer computed for its first position alone trains with
    /// the whole layer's random stream. <paramref name="length"/> equal to the input's own length is <see cref="forward"/>.
    /// </summary>
    public Tensor ForwardFirstPositions(Tensor input, long length) =>
        Drop(input, firstPositionsOf: input.shape[1] == length ? null : length);

    // firstPositionsOf: the length of the sequence whose first positions the input holds, or null for the input itself.
    private Tensor Drop(Tensor input, long? firstPositionsOf)
    {
        if (!training || probability == 0)
            return input.alias();
        if (Generator is null || probability >= 1)
            return nn.functional.dropout(input, probability, training: true);
        // The kept elements' scale is folded into the mask: one tensor the size of the input besides the output.
        double keep = 1 - probability, scale = 1.0 / (1 - probability);
        using var scaledMask = firstPositionsOf is long length
            ? DropoutMasks.ScaledFirstPositions(input, length, keep, scale, Generator)
            : DropoutMasks.Scaled(input, keep, scale, Generator);
        return input * scaledMask;
    }
}
