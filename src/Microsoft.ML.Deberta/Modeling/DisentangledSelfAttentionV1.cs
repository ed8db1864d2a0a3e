using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// DeBERTa v1 attention (transformers' <c>modeling_deberta.DisentangledSelfAttention</c>): one fused <c>in_proj</c>
/// without bias whose rows interleave q/k/v per head, separate <c>q_bias</c>/<c>v_bias</c>, <c>pos_proj</c> (c2p, no
/// bias) and <c>pos_q_proj</c> (p2c), a length-dependent span clamped to max_relative_positions, optional talking heads.
/// The query is divided by the scale before every product it takes part in, as transformers does.
/// </summary>
internal sealed class DisentangledSelfAttentionV1 : DisentangledSelfAttention
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly Linear in_proj;
    private readonly Parameter q_bias;
    private readonly Parameter v_bias;
    private readonly Linear? pos_proj;
    private readonly Linear? pos_q_proj;
    private readonly Linear? head_logits_proj;
    private readonly Linear? head_weights_proj;
    private readonly StableDropout pos_dropout;
    private readonly StableDropout dropout;
#pragma warning restore IDE1006

    private readonly int heads;
    private readonly int headSize;
    private readonly int scaleFactor;
    private readonly bool relativeAttention;
    private readonly bool c2p;
    private readonly bool p2c;

    public DisentangledSelfAttentionV1(DebertaConfig config)
        : base(nameof(DisentangledSelfAttentionV1))
    {
        heads = config.NumAttentionHeads;
        headSize = config.HiddenSize / heads;
        int allHeadSize = heads * headSize;
        in_proj = nn.Linear(config.HiddenSize, allHeadSize * 3, hasBias: false);
        q_bias = new Parameter(torch.zeros(allHeadSize));
        v_bias = new Parameter(torch.zeros(allHeadSize));
        // v1 counts every pos_att_type entry in the scale, whether or not relative attention is on.
        scaleFactor = 1 + config.PosAttType.Count;
        c2p = config.PosAttType.Contains("c2p");
        p2c = config.PosAttType.Contains("p2c");
        relativeAttention = config.RelativeAttention;
        if (config.TalkingHead == true)
        {
            head_logits_proj = nn.Linear(heads, heads, hasBias: false);
            head_weights_proj = nn.Linear(heads, heads, hasBias: false);
        }
        if (relativeAttention)
        {
            if (c2p) pos_proj = nn.Linear(config.HiddenSize, allHeadSize, hasBias: false);
            if (p2c) pos_q_proj = nn.Linear(config.HiddenSize, allHeadSize);
        }
        pos_dropout = new StableDropout(config.HiddenDropoutProb);
        dropout = new StableDropout(config.AttentionProbsDropoutProb);
        RegisterComponents();
    }

    // (B, L, H·x) → (B, H, L, x)
    private Tensor TransposeForScores(Tensor x) =>
        x.view(x.shape[0], x.shape[1], heads, -1).permute(0, 2, 1, 3);

    public override (Tensor Context, Tensor? Probabilities) Forward(
        Tensor hidden, Tensor blocked, RelativeEmbeddingRows? relative, bool outputAttentions, TokenPacking? packing = null)
    {
        using var scope = NewDisposeScope();
        var qkv = TransposeForScores(Project(in_proj, hidden, packing)).chunk(3, dim: -1);
        // The float32 biases are rounded to the products' dtype (bfloat16 in a converted model) so q and v stay in it.
        var query = qkv[0].Plus(TransposeForScores(q_bias.to_type(qkv[0].dtype).view(1, 1, -1)));
        var key = qkv[1];
        var value = qkv[2].Plus(TransposeForScores(v_bias.to_type(qkv[2].dtype).view(1, 1, -1)));

        var scale = ScaledSizeSqrt(headSize, scaleFactor, query.device).to_type(query.dtype);
        query = query / scale;
        var scores = torch.matmul(query, key.transpose(-1, -2));

        if (relativeAttention && relative is not null)
        {
            using var rel = DisentangledBias(query, key, relative);
            if (rel is not null)
                scores.PlusInPlace(rel);
        }

        if (head_logits_proj is not null)
        {
            using var headsLast = scores.permute(0, 2, 3, 1);
            using var mixed = head_logits_proj.forward(headsLast.to_type(head_logits_proj.weight!.dtype));
            scores.Dispose();
            scores = mixed.permute(0, 3, 1, 2);
        }

        var probs = MaskedSoftmax(scores, blocked, float32Probabilities: outputAttentions);
        probs = dropout.forward(probs);
        if (head_weights_proj is not null)
            probs = head_weights_proj.forward(probs.permute(0, 2, 3, 1).to_type(head_weights_proj.weight!.dtype)).permute(0, 3, 1, 2);

        var context = WeightedValues(probs, value).permute(0, 2, 1, 3).contiguous();
        context = context.view(context.shape[0], context.shape[1], -1);
        context.MoveToOuterDisposeScope();
        if (!outputAttentions)
            return (context, null);
        return (context, probs.MoveToOuterDisposeScope());
    }

    // c2p[i, j] = Q'_i · PK_t; p2c[i, j] = K_j · PQ'_t, with PQ' = PQ / scale and t = clamp(i − j + S, 0, 2S − 1); the rows
    // t are taken from relative.Table, which holds only the reachable ones (RelativeEmbeddingRows), at the shifted indices.
    private Tensor? DisentangledBias(Tensor query, Tensor key, RelativeEmbeddingRows relative)
    {
        var projected = ProjectedRows(relative, rows => ProjectRows(rows, key.dtype));

        // The p2c term is added in place into the c2p term: c2p + p2c, as transformers sums them.
        Tensor? score = null;
        if (c2p)
            score = C2PTerm(MergeHeads(query), projected[0]!, relative);
        if (p2c)
        {
            var p2cAtt = GatherRelativeByQuery(MergeHeads(key), projected[1]!, relative.P2CFlatIndex);
            if (score is null)
                return p2cAtt;
            using (p2cAtt)
                score.PlusInPlace(p2cAtt);
        }
        return score;
    }

    // (R, D) table rows → (H, R, d): each head's projected rows for c2p (PK) and p2c (PQ / scale, in the keys' dtype),
    // computed once for all sequences of the batch.
    private Tensor?[] ProjectRows(Tensor rows, ScalarType keyType)
    {
        var table = pos_dropout.forward(rows).unsqueeze(0);
        var posKey = c2p ? TransposeForScores(PointwiseConvolution.Linear(pos_proj!, table)).squeeze(0) : null;
        Tensor? posQuery = null;
        if (p2c)
        {
            posQuery = TransposeForScores(PointwiseConvolution.Linear(pos_q_proj!, table)).squeeze(0);
            posQuery = (posQuery / ScaledSizeSqrt(posQuery.shape[^1], scaleFactor, posQuery.device)).to_type(keyType);
        }
        return [posKey, posQuery];
    }

    // (B, H, L, d) → (B, L, H·d)
    private static Tensor MergeHeads(Tensor x) => x.permute(0, 2, 1, 3).reshape(x.shape[0], x.shape[2], -1);
}
