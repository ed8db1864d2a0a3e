using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Modeling;

/// <summary>
/// The attention layers, which project and multiply only the reachable rows of the relative table (and run the
/// relative products per head), against transformers' formulation written out here op for op: the whole 2S-row span
/// projected, tiled over the batch with <c>repeat</c>, multiplied with <c>bmm</c>/<c>matmul</c>, gathered at the
/// clamped indices. The golden folders hold only short inputs; these lengths make the clamp bind (L = 600 with
/// deberta-v3's 256 buckets / 512 positions, and with v1's 512 positions) or reach into the log buckets (L = 300).
/// </summary>
[TestClass]
public sealed class LongSequenceAttentionTests
{
    private const int Hidden = 64;
    private const int Heads = 4;

    private static DebertaConfig V3Like(bool shareAttKey, int positionBuckets, string[] posAttType) => new(DebertaVersion.V2)
    {
        VocabSize = 10, HiddenSize = Hidden, NumHiddenLayers = 1, NumAttentionHeads = Heads, IntermediateSize = 8,
        MaxPositionEmbeddings = 512, RelativeAttention = true, PosAttType = posAttType, PositionBuckets = positionBuckets,
        MaxRelativePositions = -1, ShareAttKey = shareAttKey, PositionBiasedInput = false, NormRelEbd = "layer_norm",
    };

    private static DebertaConfig V1Like(string[] posAttType) => new()
    {
        VocabSize = 10, HiddenSize = Hidden, NumHiddenLayers = 1, NumAttentionHeads = Heads, IntermediateSize = 8,
        MaxPositionEmbeddings = 512, RelativeAttention = true, PosAttType = posAttType, PositionBiasedInput = false,
    };

    [TestMethod]
    [DataRow(600, 512, DisplayName = "L = 600: i − j reaches ±599, the clamp binds on both sides, all 512 rows are read")]
    [DataRow(300, 2 * 206 + 1, DisplayName = "L = 300: log buckets up to ±206, rows 50…462")]
    [DataRow(128, 255, DisplayName = "L = 128: buckets ±127, rows 129…383")]
    [DataRow(5, 9, DisplayName = "L = 5: rows 252…260")]
    [DataRow(2, 3, DisplayName = "L = 2: rows 255…257")]
    [DataRow(1, 1, DisplayName = "L = 1: row 256 alone")]
    public void V3AttentionMatchesTransformersFormulation(int length, int expectedRows)
    {
        var config = V3Like(shareAttKey: true, positionBuckets: 256, ["p2c", "c2p"]);
        CompareV2(config, length, expectedRows);
    }

    [TestMethod]
    [DataRow(new[] { "c2p" }, DisplayName = "pos_key_proj only")]
    [DataRow(new[] { "p2c" }, DisplayName = "pos_query_proj only")]
    [DataRow(new[] { "c2p", "p2c" }, DisplayName = "both")]
    public void V2AttentionWithoutBucketsOrSharedKeysMatchesTransformersFormulation(string[] posAttType)
    {
        // No buckets: S = max_relative_positions = 512 and the index is plain i − j, clamped at ±511.
        var config = V3Like(shareAttKey: false, positionBuckets: -1, posAttType);
        CompareV2(config, length: 600, expectedRows: 1024);
    }

    [TestMethod]
    [DataRow(600, new[] { "c2p", "p2c" }, 1024, DisplayName = "L = 600 > 512: S = 512, the clamp binds")]
    [DataRow(300, new[] { "c2p", "p2c" }, 599, DisplayName = "L = 300: S = 300, rows 1…599 of the 600-row span")]
    [DataRow(600, new[] { "p2c" }, 1024, DisplayName = "L = 600, p2c only")]
    [DataRow(1, new[] { "c2p", "p2c" }, 1, DisplayName = "L = 1: S = 1, one row")]
    [DataRow(300, new[] { "c2p" }, 599, DisplayName = "L = 300, c2p only")]
    public void V1AttentionMatchesTransformersFormulation(int length, string[] posAttType, int expectedRows)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var config = V1Like(posAttType);
        using var attention = new DisentangledSelfAttentionV1(config);
        var generator = RandomizeWeights(attention, seed: 7);
        var (hidden, blocked) = Inputs(length, generator);
        var table = torch.randn(2 * config.EffectiveMaxRelativePositions, Hidden, generator: generator);

        var rows = RelativeEmbeddingRows.ForV1(table, length, config.EffectiveMaxRelativePositions);
        Assert.AreEqual(expectedRows, rows.Table.shape[0]);
        var (context, probs) = attention.Forward(hidden, blocked, rows, outputAttentions: true);

        var weights = attention.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var (refContext, refProbs) = TransformersV1(config, weights, hidden, blocked, table);
        AssertClose(refContext, context, "context");
        AssertClose(refProbs, probs!, "probabilities");
    }

    /// <summary>
    /// In inference the c2p term is read from the products along a diagonal band instead of gathered wherever its index
    /// is one (see DisentangledSelfAttention.C2PTerm): the comparisons above (no autograd) take that route at the
    /// lengths marked true here and the gather at the others.
    /// </summary>
    [TestMethod]
    [DataRow(DebertaVersion.V2, 5, true, DisplayName = "v3, L = 5")]
    [DataRow(DebertaVersion.V2, 128, true, DisplayName = "v3, L = 128: |i − j| < 128, buckets are i − j")]
    [DataRow(DebertaVersion.V2, 300, false, DisplayName = "v3, L = 300: log buckets")]
    [DataRow(DebertaVersion.V2, 600, false, DisplayName = "v3, L = 600: the clamp binds")]
    [DataRow(DebertaVersion.V1, 300, true, DisplayName = "v1, L = 300 ≤ 512")]
    [DataRow(DebertaVersion.V1, 600, false, DisplayName = "v1, L = 600: the clamp binds")]
    public void TheC2PIndexIsADiagonalBandUntilABucketOrTheClampBinds(DebertaVersion version, int length, bool band)
    {
        using var scope = NewDisposeScope();
        var rows = version == DebertaVersion.V1
            ? RelativeEmbeddingRows.ForV1(torch.randn(1024, Hidden), length, maxRelativePositions: 512)
            : RelativeEmbeddingRows.ForV2(torch.randn(512, Hidden), length, positionBuckets: 256, maxRelativePositions: 512);
        Assert.AreEqual(band, rows.C2PDiagonalStart is not null);
        if (rows.C2PDiagonalStart is long start)
        {
            var positions = torch.arange(length, ScalarType.Int64);
            var expected = positions.unsqueeze(1) - positions.unsqueeze(0) + start;
            Assert.IsTrue(rows.C2PIndex.equal(expected).all().item<bool>());
        }
    }

    private static void CompareV2(DebertaConfig config, int length, int expectedRows)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var attention = new DisentangledSelfAttentionV2(config);
        var generator = RandomizeWeights(attention, seed: 3);
        var (hidden, blocked) = Inputs(length, generator);
        int span = config.PositionBuckets is int b && b > 0 ? b : config.EffectiveMaxRelativePositions;
        var table = torch.randn(2 * span, Hidden, generator: generator);

        var rows = RelativeEmbeddingRows.ForV2(table, length, config.PositionBuckets ?? -1, config.EffectiveMaxRelativePositions);
        Assert.AreEqual(expectedRows, rows.Table.shape[0]);
        var (context, probs) = attention.Forward(hidden, blocked, rows, outputAttentions: true);

        var weights = attention.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var (refContext, refProbs) = TransformersV2(config, weights, hidden, blocked, table);
        AssertClose(refContext, context, "context");
        AssertClose(refProbs, probs!, "probabilities");
    }

    // Eval mode (no dropout); weights ~ N(0, 0.1), biases included (non-zero, so that every bias path counts).
    private static torch.Generator RandomizeWeights(nn.Module module, long seed)
    {
        module.eval();
        var generator = new torch.Generator((ulong)seed);
        foreach (var (_, parameter) in module.named_parameters())
            parameter.normal_(0, 0.1, generator);
        return generator;
    }

    // Two sequences; the second ends in 40 padding positions. blocked is built as the encoder builds it.
    private static (Tensor Hidden, Tensor Blocked) Inputs(int length, torch.Generator generator)
    {
        var hidden = torch.randn(2, length, Hidden, generator: generator);
        var mask = torch.ones(2, length, dtype: ScalarType.Int64);
        mask[1, TensorIndex.Slice(Math.Max(1, length - 40))] = torch.tensor(0L);
        var extended = mask.unsqueeze(1).unsqueeze(2);
        var blocked = (extended * extended.squeeze(-2).unsqueeze(-1)).to_type(ScalarType.Bool).logical_not();
        return (hidden, blocked);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        CollectionAssert.AreEqual(expected.shape, actual.shape, what);
        Console.WriteLine($"{what}: max |Δ| {(actual - expected).abs().max().item<float>():E2}");
        var excess = (actual - expected).abs() - expected.abs().clamp_min(1.0) * 1e-5;
        double worst = excess.max().item<float>();
        Assert.IsLessThanOrEqualTo(0.0, worst, $"{what}: |Δ| exceeds 1e-5·max(1, |ref|) by {worst:E2}");
    }

    // transformers' modeling_deberta_v2.DisentangledSelfAttention.forward (+ disentangled_attention_bias), eval mode.
    private static (Tensor Context, Tensor Probs) TransformersV2(
        DebertaConfig config, Dictionary<string, Tensor> w, Tensor hidden, Tensor blocked, Tensor relEmbeddings)
    {
        long batch = hidden.shape[0], length = hidden.shape[1];
        bool c2p = config.PosAttType.Contains("c2p"), p2c = config.PosAttType.Contains("p2c");
        bool share = config.ShareAttKey == true;
        int scaleFactor = 1 + (c2p ? 1 : 0) + (p2c ? 1 : 0);
        int attSpan = config.PositionBuckets is int b && b > 0 ? b : config.EffectiveMaxRelativePositions;
        Tensor Linear(Tensor x, string name) => nn.functional.linear(x, w[name + ".weight"], w[name + ".bias"]);
        Tensor TransposeForScores(Tensor x) =>
            x.view(x.shape[0], x.shape[1], Heads, -1).permute(0, 2, 1, 3).contiguous().view(-1, x.shape[1], x.shape[2] / Heads);

        var query = TransposeForScores(Linear(hidden, "query_proj"));
        var key = TransposeForScores(Linear(hidden, "key_proj"));
        var value = TransposeForScores(Linear(hidden, "value_proj"));
        var scale = torch.sqrt(torch.tensor((float)query.shape[^1]) * scaleFactor);
        var scores = torch.bmm(query, key.transpose(-1, -2) / scale);

        var relativePos = RelativePositions.BuildBucketed(length, config.PositionBuckets ?? -1, config.EffectiveMaxRelativePositions, hidden.device);
        var rel = relEmbeddings[TensorIndex.Slice(0, attSpan * 2)].unsqueeze(0);
        Tensor? posQuery = null, posKey = null;
        if (share)
        {
            posQuery = TransposeForScores(Linear(rel, "query_proj")).repeat(batch, 1, 1);
            posKey = TransposeForScores(Linear(rel, "key_proj")).repeat(batch, 1, 1);
        }
        else
        {
            if (c2p) posKey = TransposeForScores(Linear(rel, "pos_key_proj")).repeat(batch, 1, 1);
            if (p2c) posQuery = TransposeForScores(Linear(rel, "pos_query_proj")).repeat(batch, 1, 1);
        }
        var score = torch.zeros_like(scores);
        if (c2p)
        {
            var c2pAtt = torch.bmm(query, posKey!.transpose(-1, -2));
            var c2pPos = torch.clamp(relativePos + attSpan, 0, attSpan * 2 - 1);
            c2pAtt = torch.gather(c2pAtt, -1, c2pPos.squeeze(0).expand(query.shape[0], length, length));
            score = score + c2pAtt / scale;
        }
        if (p2c)
        {
            var p2cPos = torch.clamp(-relativePos + attSpan, 0, attSpan * 2 - 1);
            var p2cAtt = torch.bmm(key, posQuery!.transpose(-1, -2));
            p2cAtt = torch.gather(p2cAtt, -1, p2cPos.squeeze(0).expand(query.shape[0], length, length)).transpose(-1, -2);
            score = score + p2cAtt / scale;
        }
        scores = (scores + score).view(-1, Heads, length, length);
        var probs = nn.functional.softmax(scores.masked_fill(blocked, float.MinValue), -1);
        var context = torch.bmm(probs.view(-1, length, length), value)
            .view(-1, Heads, length, query.shape[^1]).permute(0, 2, 1, 3).contiguous().view(batch, length, -1);
        return (context, probs);
    }

    // transformers' modeling_deberta.DisentangledSelfAttention.forward (+ disentangled_att_bias), eval mode.
    private static (Tensor Context, Tensor Probs) TransformersV1(
        DebertaConfig config, Dictionary<string, Tensor> w, Tensor hidden, Tensor blocked, Tensor relEmbeddings)
    {
        long batch = hidden.shape[0], length = hidden.shape[1];
        bool c2p = config.PosAttType.Contains("c2p"), p2c = config.PosAttType.Contains("p2c");
        int scaleFactor = 1 + config.PosAttType.Count;
        int maxRelative = config.EffectiveMaxRelativePositions;
        Tensor TransposeForScores(Tensor x) => x.view(x.shape[0], x.shape[1], Heads, -1).permute(0, 2, 1, 3);

        var qkv = TransposeForScores(nn.functional.linear(hidden, w["in_proj.weight"])).chunk(3, dim: -1);
        var query = qkv[0] + TransposeForScores(w["q_bias"].view(1, 1, -1));
        var key = qkv[1];
        var value = qkv[2] + TransposeForScores(w["v_bias"].view(1, 1, -1));
        var scale = torch.sqrt(torch.tensor((float)query.shape[^1]) * scaleFactor);
        query = query / scale;
        var scores = torch.matmul(query, key.transpose(-1, -2));

        var relativePos = RelativePositions.Build(length, hidden.device).unsqueeze(1);
        long attSpan = Math.Min(length, maxRelative);
        var rel = relEmbeddings[TensorIndex.Slice(maxRelative - attSpan, maxRelative + attSpan)].unsqueeze(0);
        var score = torch.zeros_like(scores);
        if (c2p)
        {
            var posKey = TransposeForScores(nn.functional.linear(rel, w["pos_proj.weight"]));
            var c2pAtt = torch.matmul(query, posKey.transpose(-1, -2));
            var c2pPos = torch.clamp(relativePos + attSpan, 0, attSpan * 2 - 1);
            score = score + torch.gather(c2pAtt, -1, c2pPos.expand(batch, Heads, length, length));
        }
        if (p2c)
        {
            var posQuery = TransposeForScores(nn.functional.linear(rel, w["pos_q_proj.weight"], w["pos_q_proj.bias"]));
            posQuery = posQuery / torch.sqrt(torch.tensor((float)posQuery.shape[^1]) * scaleFactor);
            var p2cPos = torch.clamp(-relativePos + attSpan, 0, attSpan * 2 - 1);
            var p2cAtt = torch.matmul(key, posQuery.transpose(-1, -2));
            score = score + torch.gather(p2cAtt, -1, p2cPos.expand(batch, Heads, length, length)).transpose(-1, -2);
        }
        scores = scores + score;
        var probs = nn.functional.softmax(scores.masked_fill(blocked, float.MinValue), -1);
        var context = torch.matmul(probs, value).permute(0, 2, 1, 3).contiguous().view(batch, length, -1);
        return (context, probs);
    }
}
