using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// DeBERTa v2/v3 attention (transformers' <c>modeling_deberta_v2.DisentangledSelfAttention</c>): separate
/// <c>query_proj</c>/<c>key_proj</c>/<c>value_proj</c> with biases; relative embeddings projected either by those same
/// layers (<c>share_att_key</c>, biases included) or by <c>pos_key_proj</c>/<c>pos_query_proj</c>; a fixed span of
/// <c>position_buckets</c> (or max_relative_positions), of which the encoder passes only the reachable rows. Kᵀ is
/// divided by the scale before the content product, and c2p and p2c are divided after their gathers. Heads are folded
/// into the batch: (B·H, L, d), row b·H + h, except in the relative products, which run per head (see GatherRelative).
/// </summary>
internal sealed class DisentangledSelfAttentionV2 : DisentangledSelfAttention
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly Linear query_proj;
    private readonly Linear key_proj;
    private readonly Linear value_proj;
    private readonly Linear? pos_key_proj;
    private readonly Linear? pos_query_proj;
    private readonly StableDropout pos_dropout;
    private readonly StableDropout dropout;
#pragma warning restore IDE1006

    private readonly int heads;
    private readonly int scaleFactor;
    private readonly bool relativeAttention;
    private readonly bool shareAttKey;
    private readonly bool c2p;
    private readonly bool p2c;

    public DisentangledSelfAttentionV2(DebertaConfig config)
        : base(nameof(DisentangledSelfAttentionV2))
    {
        heads = config.NumAttentionHeads;
        int allHeadSize = heads * config.EffectiveAttentionHeadSize;
        query_proj = nn.Linear(config.HiddenSize, allHeadSize);
        key_proj = nn.Linear(config.HiddenSize, allHeadSize);
        value_proj = nn.Linear(config.HiddenSize, allHeadSize);
        c2p = config.PosAttType.Contains("c2p");
        p2c = config.PosAttType.Contains("p2c");
        // v2 counts only the c2p and p2c terms in the scale.
        scaleFactor = 1 + (c2p ? 1 : 0) + (p2c ? 1 : 0);
        relativeAttention = config.RelativeAttention;
        shareAttKey = config.ShareAttKey ?? false;
        if (relativeAttention && !shareAttKey)
        {
            if (c2p) pos_key_proj = nn.Linear(config.HiddenSize, allHeadSize);
            if (p2c) pos_query_proj = nn.Linear(config.HiddenSize, allHeadSize);
        }
        pos_dropout = new StableDropout(config.HiddenDropoutProb);
        dropout = new StableDropout(config.AttentionProbsDropoutProb);
        RegisterComponents();
    }

    // (B, L, H·d) → (B·H, L, d)
    private Tensor TransposeForScores(Tensor x)
    {
        var split = x.view(x.shape[0], x.shape[1], heads, -1);
        return split.permute(0, 2, 1, 3).contiguous().view(-1, split.shape[1], split.shape[3]);
    }

    public override (Tensor Context, Tensor? Probabilities) Forward(
        Tensor hidden, Tensor blocked, RelativeEmbeddingRows? relative, bool outputAttentions, TokenPacking? packing = null)
    {
        using var scope = NewDisposeScope();
        // Rounded once for the three products when the model computes them in bfloat16 (a no-op in float32).
        var input = hidden.to_type(ProductAutocast.ComputeType(query_proj.weight!));
        var queryStates = Project(query_proj, input, packing);
        var keyStates = Project(key_proj, input, packing);
        var query = TransposeForScores(queryStates);
        var key = TransposeForScores(keyStates);
        var value = TransposeForScores(Project(value_proj, input, packing));

        var scale = ScaledSizeSqrt(query.shape[^1], scaleFactor, hidden.device);
        var scores = torch.bmm(query, key.transpose(-1, -2) / scale.to_type(query.dtype));
        if (relativeAttention)
        {
            if (relative is null)
                throw new InvalidOperationException("Relative attention needs the relative-embedding rows.");
            using var rel = DisentangledBias(queryStates, keyStates, relative);
            if (rel is not null)
                scores.PlusInPlace(rel);
        }
        var byHead = scores.view(-1, heads, scores.shape[^2], scores.shape[^1]);
        var probs = MaskedSoftmax(byHead, blocked, float32Probabilities: outputAttentions, scores);
        probs = dropout.forward(probs);
        var context = WeightedValues(probs.view(-1, probs.shape[^2], probs.shape[^1]), value);
        context = context.view(-1, heads, context.shape[^2], context.shape[^1]).permute(0, 2, 1, 3).contiguous();
        context = context.view(context.shape[0], context.shape[1], -1);
        context.MoveToOuterDisposeScope();
        if (!outputAttentions)
            return (context, null);
        return (context, probs.MoveToOuterDisposeScope());
    }

    // (R, D) table rows → (H, R, d): each head's projected rows for c2p (PK) and p2c (PQ), computed once for all
    // sequences of the batch.
    private Tensor?[] ProjectRows(Tensor rows)
    {
        var table = pos_dropout.forward(rows).unsqueeze(0);
        var posKey = !c2p ? null : TransposeForScores(PointwiseConvolution.Linear(shareAttKey ? key_proj : pos_key_proj!, table));
        var posQuery = !p2c ? null : TransposeForScores(PointwiseConvolution.Linear(shareAttKey ? query_proj : pos_query_proj!, table));
        return [posKey, posQuery];
    }

    // scores[i, j] += Q_i · PK_t / s + K_j · PQ_t / s, t = clamp(bucket(i − j) + S, 0, 2S − 1); the rows t are taken from
    // relative.Table, which holds only the reachable ones (RelativeEmbeddingRows), at the indices shifted to match.
    // queryStates and keyStates are the (B, L, H·d) projections before TransposeForScores.
    private Tensor? DisentangledBias(Tensor queryStates, Tensor keyStates, RelativeEmbeddingRows relative)
    {
        long batch = queryStates.shape[0], length = queryStates.shape[1];
        var projected = ProjectedRows(relative, ProjectRows);
        Tensor? posKey = projected[0], posQuery = projected[1];

        // Each term is divided in place and added into the first: c2p / s + p2c / s, as transformers sums them.
        Tensor? score = null;
        if (c2p)
        {
            var scale = ScaledSizeSqrt(posKey!.shape[^1], scaleFactor, queryStates.device);
            score = C2PTerm(queryStates, posKey, relative);
            score.div_(scale.to_type(score.dtype));
        }
        if (p2c)
        {
            var scale = ScaledSizeSqrt(posQuery!.shape[^1], scaleFactor, queryStates.device);
            var p2cAtt = GatherRelativeByQuery(keyStates, posQuery, relative.P2CFlatIndex);
            p2cAtt.div_(scale.to_type(p2cAtt.dtype));
            if (score is null)
                score = p2cAtt;
            else
                using (p2cAtt)
                    score.PlusInPlace(p2cAtt);
        }
        if (score is null)
            return null;
        // (B, H, L, L) → (B·H, L, L), the layout of the content scores (a view: score is contiguous).
        using (score)
            return score.view(batch * heads, length, length);
    }
}
