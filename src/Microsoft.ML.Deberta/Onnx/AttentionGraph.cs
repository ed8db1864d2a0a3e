using Microsoft.ML.Deberta.Configuration;
using static Microsoft.ML.Deberta.Onnx.OnnxGraphBuilder;

namespace Microsoft.ML.Deberta.Onnx;

/// <summary>
/// One layer's disentangled self-attention as ONNX ops, in (B, H, L, d) layout: v1 (fused in_proj with per-head
/// q/k/v, q_bias and v_bias, the query pre-scaled) and v2/v3 (separate projections, share_att_key, each relative
/// term divided by the scale), with the c2p and p2c terms gathered at the in-graph relative indices.
/// </summary>
internal static class AttentionGraph
{
    public static string Build(OnnxLayers layers, DebertaConfig config, string prefix, string hidden, string blocked, RelativeAttentionInputs? relative)
    {
        var g = layers.Graph;
        int heads = config.NumAttentionHeads;
        bool c2p = config.PosAttType.Contains("c2p"), p2c = config.PosAttType.Contains("p2c");
        string scores, value;
        if (config.Version == DebertaVersion.V1)
        {
            int headSize = config.HiddenSize / heads;
            // v1 counts every pos_att_type entry in the scale.
            float scale = MathF.Sqrt((float)headSize * (1 + config.PosAttType.Count));
            var qkv = g.OpMany("Split", [layers.SplitHeads(layers.EncoderLinear(hidden, prefix + ".in_proj"), heads), g.Vector(headSize, headSize, headSize)], 3, Int("axis", -1));
            var query = g.Op("Div", [g.Op("Add", [qkv[0], HeadBias(layers, prefix + ".q_bias", heads)]), g.Scalar(scale)]);
            var key = qkv[1];
            value = g.Op("Add", [qkv[2], HeadBias(layers, prefix + ".v_bias", heads)]);
            scores = g.Op("MatMul", [query, Transposed(g, key)]);
            if (config.RelativeAttention && relative is not null)
            {
                string? c2pTerm = c2p ? Gathered(g, query, layers.HeadsTransposedRows(layers.EncoderLinear(relative.Rows, prefix + ".pos_proj"), heads), relative.C2PIndex) : null;
                string? p2cTerm = null;
                if (p2c)
                {
                    var posQuery = g.Op("Div", [layers.HeadsTransposedRows(layers.EncoderLinear(relative.Rows, prefix + ".pos_q_proj"), heads), g.Scalar(scale)]);
                    p2cTerm = Transposed(g, Gathered(g, key, posQuery, relative.P2CIndex));
                }
                scores = AddTerms(g, scores, c2pTerm, p2cTerm);
            }
        }
        else
        {
            int headSize = config.EffectiveAttentionHeadSize;
            // v2 counts only the c2p and p2c terms in the scale.
            float scale = MathF.Sqrt((float)headSize * (1 + (c2p ? 1 : 0) + (p2c ? 1 : 0)));
            var query = layers.SplitHeads(layers.EncoderLinear(hidden, prefix + ".query_proj"), heads);
            var key = layers.SplitHeads(layers.EncoderLinear(hidden, prefix + ".key_proj"), heads);
            value = layers.SplitHeads(layers.EncoderLinear(hidden, prefix + ".value_proj"), heads);
            scores = g.Op("MatMul", [query, g.Op("Div", [Transposed(g, key), g.Scalar(scale)])]);
            if (config.RelativeAttention && relative is not null)
            {
                bool share = config.ShareAttKey ?? false;
                string? c2pTerm = null, p2cTerm = null;
                if (c2p)
                {
                    var posKey = layers.HeadsTransposedRows(layers.EncoderLinear(relative.Rows, prefix + (share ? ".key_proj" : ".pos_key_proj")), heads);
                    c2pTerm = g.Op("Div", [Gathered(g, query, posKey, relative.C2PIndex), g.Scalar(scale)]);
                }
                if (p2c)
                {
                    var posQuery = layers.HeadsTransposedRows(layers.EncoderLinear(relative.Rows, prefix + (share ? ".query_proj" : ".pos_query_proj")), heads);
                    p2cTerm = Transposed(g, g.Op("Div", [Gathered(g, key, posQuery, relative.P2CIndex), g.Scalar(scale)]));
                }
                scores = AddTerms(g, scores, c2pTerm, p2cTerm);
            }
        }

        // Blocked pairs get float.MinValue before the softmax, as transformers' masked_fill does.
        var masked = g.Op("Where", [blocked, g.Scalar(float.MinValue), scores]);
        var probs = g.Op("Softmax", [masked], Int("axis", -1));
        var context = g.Op("Transpose", [g.Op("MatMul", [probs, value])], Ints("perm", 0, 2, 1, 3));
        return g.Op("Reshape", [context, g.Vector(0, 0, -1)]);
    }

    // (…, L, d) → (…, d, L)
    private static string Transposed(OnnxGraphBuilder g, string x) => g.Op("Transpose", [x], Ints("perm", 0, 1, 3, 2));

    // states (B, H, L, d) · rows (H, d, R) → (B, H, L, R), then the (B, H, L, L) index picks each pair's relative row.
    private static string Gathered(OnnxGraphBuilder g, string states, string rowsTransposed, string index) =>
        g.Op("GatherElements", [g.Op("MatMul", [states, rowsTransposed]), index], Int("axis", -1));

    // content + (c2p + p2c): the relative terms are summed first, as transformers sums them.
    private static string AddTerms(OnnxGraphBuilder g, string scores, string? c2p, string? p2c)
    {
        var relative = c2p is null ? p2c : p2c is null ? c2p : g.Op("Add", [c2p, p2c]);
        return relative is null ? scores : g.Op("Add", [scores, relative]);
    }

    // A (H·d) bias laid out (H, 1, d) so it broadcasts over (B, H, L, d).
    private static string HeadBias(OnnxLayers layers, string key, int heads) =>
        layers.Graph.Op("Reshape", [layers.Weight(key), layers.Graph.Vector(heads, 1, -1)]);
}
