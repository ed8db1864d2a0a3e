using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// Where the tokens of a right-padded batch are: the per-token work of an inference pass (the attention projections,
/// the output and feed-forward blocks, their LayerNorms) then runs on the N tokens alone, as an (N, ·) stack, and only
/// attention sees the (B, L, ·) layout it needs. Built by <see cref="TryBuild"/> once per forward pass whose caller
/// reads no padded position: a sequence classifier (the first tokens), or a batched predictor of token logits, span
/// logits, embeddings or fill-mask (every token; <see cref="Pad"/> lays the last layer's rows out again).
/// </summary>
/// <remarks>
/// A token's row in every per-token block depends on that row alone, and a padded key reaches no token's attention
/// (its probability is exactly 0), so the tokens' rows are those of the padded pass (up to the summation order of a
/// product over fewer rows); only the padding's rows, which nothing reads, are never computed. Texts of mixed lengths
/// pad a lot: a batch of 16 random Yelp sentences sorted by length holds 1.4–2 times its tokens.
/// </remarks>
internal sealed class TokenPacking
{
    private TokenPacking(Tensor positions, Tensor firstRows, long batch, long length)
    {
        Positions = positions;
        FirstRows = firstRows;
        Batch = batch;
        Length = length;
    }

    /// <summary>(N) int64: each token's flat position b·L + l in the padded (B·L) layout, in order.</summary>
    public Tensor Positions { get; }

    /// <summary>(B) int64: the packed row of each sequence's first token.</summary>
    public Tensor FirstRows { get; }

    /// <summary>B, the batch's sequences.</summary>
    public long Batch { get; }

    /// <summary>L, the padded length.</summary>
    public long Length { get; }

    /// <summary>
    /// The packing of a (B, L) 0/1 <paramref name="mask"/> whose rows are each a run of tokens then padding, or null
    /// when there is no padding to skip, a row starts with padding or holds none of its own tokens, or the batch is one
    /// row (the padded pass then runs as before). The tensors live in the caller's dispose scope.
    /// </summary>
    public static TokenPacking? TryBuild(Tensor mask)
    {
        long batch = mask.shape[0], length = mask.shape[1];
        // A lone row (one-row scoring) is not padded by any scorer here: skip the checks' few ops in its short pass.
        if (batch == 1)
            return null;
        var lengths = mask.sum(1);
        using (var scope = NewDisposeScope())
        {
            long tokens = lengths.sum().item<long>();
            if (tokens == batch * length || lengths.min().item<long>() < 1)
                return null;
            var prefix = RelativePositions.Positions(length, mask.device).unsqueeze(0).lt(lengths.unsqueeze(1));
            if (!prefix.eq(mask.to_type(ScalarType.Bool)).all().item<bool>())
                return null;
        }
        var positions = mask.reshape(-1).nonzero().squeeze(1);
        var firstRows = lengths.cumsum(0).sub(lengths);
        return new TokenPacking(positions, firstRows, batch, length);
    }

    /// <summary>(N, C) → (B, L, C): the tokens' rows at their positions, zeros at the padding.</summary>
    public Tensor Pad(Tensor packed)
    {
        var padded = torch.zeros([Batch * Length, packed.shape[1]], dtype: packed.dtype, device: packed.device);
        padded.index_copy_(0, Positions, packed);
        return padded.view(Batch, Length, -1);
    }

    /// <summary>(B, L, C) → (N, C): the tokens' rows.</summary>
    public Tensor Gather(Tensor padded) => padded.reshape(Batch * Length, -1).index_select(0, Positions);

    /// <summary>(N, C) → (B, 1, C): each sequence's first token.</summary>
    public Tensor FirstTokens(Tensor packed) => packed.index_select(0, FirstRows).unsqueeze(1);
}
