using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// Word (+ absolute position) (+ token type) embeddings, the optional <c>embed_proj</c> to the model width, LayerNorm,
/// and the multiplication by the padding mask that makes padded positions exactly zero. Same logic in v1 and v2.
/// </summary>
internal sealed class DebertaEmbeddings : nn.Module
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly Embedding word_embeddings;
    private readonly Embedding? position_embeddings;
    private readonly Embedding? token_type_embeddings;
    private readonly Linear? embed_proj;
    private readonly nn.Module<Tensor, Tensor> LayerNorm;
    private readonly StableDropout dropout;
#pragma warning restore IDE1006

    public DebertaEmbeddings(DebertaConfig config)
        : base(nameof(DebertaEmbeddings))
    {
        int e = config.EffectiveEmbeddingSize;
        word_embeddings = nn.Embedding(config.VocabSize, e, padding_idx: config.PadTokenId);
        if (config.PositionBiasedInput)
            position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, e);
        if (config.TypeVocabSize > 0)
            token_type_embeddings = nn.Embedding(config.TypeVocabSize, e);
        if (e != config.HiddenSize)
            embed_proj = nn.Linear(e, config.HiddenSize, hasBias: false);
        LayerNorm = DebertaLayerNorm.For(config, config.HiddenSize);
        dropout = new StableDropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>The word embedding table (tied to the masked-LM decoder).</summary>
    public Parameter WordEmbeddingWeight => word_embeddings.weight!;

    /// <param name="inputIds">(B, L) int64 token ids.</param>
    /// <param name="tokenTypeIds">(B, L) int64; ignored when the model has no token-type table.</param>
    /// <param name="positionIds">(B or 1, L) int64 absolute positions; ignored without a position table.</param>
    /// <param name="mask">(B, L) padding mask (1 = token, 0 = padding).</param>
    public Tensor Forward(Tensor inputIds, Tensor tokenTypeIds, Tensor positionIds, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var embeddings = word_embeddings.forward(inputIds);
        if (position_embeddings is not null)
            embeddings = embeddings.Plus(position_embeddings.forward(positionIds));
        if (token_type_embeddings is not null)
            embeddings = embeddings.Plus(token_type_embeddings.forward(tokenTypeIds));
        if (embed_proj is not null)
            embeddings = PointwiseConvolution.Linear(embed_proj, embeddings);
        embeddings = LayerNorm.forward(embeddings);
        embeddings = embeddings * mask.unsqueeze(2).to_type(embeddings.dtype);
        embeddings = dropout.forward(embeddings);
        return embeddings.MoveToOuterDisposeScope();
    }
}
