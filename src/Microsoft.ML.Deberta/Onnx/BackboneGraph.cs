using Microsoft.ML.Deberta.Configuration;
using static Microsoft.ML.Deberta.Onnx.OnnxGraphBuilder;

namespace Microsoft.ML.Deberta.Onnx;

/// <summary>
/// The DeBERTa backbone (embeddings, relative positions, the layers and v2's conv layer) as ONNX ops, from the
/// graph inputs to the last hidden state (B, L, D). Keys are transformers' state-dict keys under <c>deberta.</c>.
/// </summary>
internal static class BackboneGraph
{
    public static string Build(OnnxLayers layers, DebertaConfig config, string prefix, string inputIds, string mask, string? tokenTypeIds)
    {
        var g = layers.Graph;
        var length = g.Op("Gather", [g.Op("Shape", [inputIds]), g.Int64s([], 1)], Int("axis", 0));
        var maskFloat = g.Op("Cast", [mask], Int("to", 1));
        var embeddings = Embeddings(layers, config, prefix + "embeddings", inputIds, tokenTypeIds, length, maskFloat);

        // (B, 1, L, L): pair (i, j) is blocked unless both i and j are tokens.
        var pairs = g.Op("Mul", [g.Op("Unsqueeze", [maskFloat, g.Vector(1, 2)]), g.Op("Unsqueeze", [maskFloat, g.Vector(1, 3)])]);
        var blocked = g.Op("Not", [g.Op("Cast", [pairs], Int("to", 9))]);
        var relative = config.RelativeAttention ? Relative(layers, config, prefix + "encoder", inputIds, length) : null;

        var hidden = embeddings;
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            string layer = $"{prefix}encoder.layer.{i}";
            var context = AttentionGraph.Build(layers, config, layer + ".attention.self", hidden, blocked, relative);
            var attended = layers.LayerNorm(g.Op("Add", [layers.EncoderLinear(context, layer + ".attention.output.dense"), hidden]), layer + ".attention.output.LayerNorm", config.LayerNormEps);
            var intermediate = layers.Activation(config.HiddenAct, layers.EncoderLinear(attended, layer + ".intermediate.dense"));
            var output = layers.LayerNorm(g.Op("Add", [layers.EncoderLinear(intermediate, layer + ".output.dense"), attended]), layer + ".output.LayerNorm", config.LayerNormEps);
            if (i == 0 && layers.Has(prefix + "encoder.conv.conv.weight"))
                output = Conv(layers, config, prefix + "encoder.conv", embeddings, output, mask, maskFloat);
            hidden = output;
        }
        return hidden;
    }

    private static string Embeddings(OnnxLayers layers, DebertaConfig config, string prefix, string inputIds, string? tokenTypeIds, string length, string maskFloat)
    {
        var g = layers.Graph;
        var sum = g.Op("Gather", [layers.Weight(prefix + ".word_embeddings.weight"), inputIds], Int("axis", 0));
        if (config.PositionBiasedInput)
        {
            // Position ids 0…L−1, shared by every row of the batch.
            var positions = g.Op("Range", [g.Int64s([], 0), length, g.Int64s([], 1)]);
            sum = g.Op("Add", [sum, g.Op("Gather", [layers.Weight(prefix + ".position_embeddings.weight"), positions], Int("axis", 0))]);
        }
        if (tokenTypeIds is not null)
            sum = g.Op("Add", [sum, g.Op("Gather", [layers.Weight(prefix + ".token_type_embeddings.weight"), tokenTypeIds], Int("axis", 0))]);
        if (layers.Has(prefix + ".embed_proj.weight"))
            sum = layers.Linear(sum, prefix + ".embed_proj");
        var normalized = layers.LayerNorm(sum, prefix + ".LayerNorm", config.LayerNormEps);
        return g.Op("Mul", [normalized, g.Op("Unsqueeze", [maskFloat, g.Vector(2)])]);
    }

    // The relative-embedding rows and gather indices, all derived from the dynamic length L (and batch size B).
    private static RelativeAttentionInputs Relative(OnnxLayers layers, DebertaConfig config, string prefix, string inputIds, string length)
    {
        var g = layers.Graph;
        int maxRelative = config.EffectiveMaxRelativePositions;
        var table = layers.Weight(prefix + ".rel_embeddings.weight");
        if (config.NormalizesRelativeEmbeddings)
            table = layers.LayerNorm(table, prefix + ".LayerNorm", config.LayerNormEps);
        var rel = RelativePositionGraph.Build(g, length);
        string span, rows;
        if (config.Version == DebertaVersion.V1)
        {
            // v1: span S = min(L, M); rows M − S … M + S − 1 of the table.
            span = g.Op("Min", [length, g.Int64s([], maxRelative)]);
            var spanVector = g.Op("Unsqueeze", [span, g.Vector(0)]);
            var start = g.Op("Sub", [g.Vector(maxRelative), spanVector]);
            var end = g.Op("Add", [g.Vector(maxRelative), spanVector]);
            rows = g.Op("Slice", [table, start, end, g.Vector(0)]);
        }
        else
        {
            int buckets = config.PositionBuckets ?? -1;
            long fixedSpan = buckets > 0 ? buckets : maxRelative;
            if (buckets > 0 && maxRelative > 0)
                rel = RelativePositionGraph.LogBucket(g, rel, buckets, maxRelative);
            span = g.Int64s([], fixedSpan);
            rows = g.Op("Slice", [table, g.Vector(0), g.Vector(fixedSpan * 2), g.Vector(0)]);
        }
        // (B, H, L, L): the shape of every layer's attention scores.
        var batch = g.Op("Slice", [g.Op("Shape", [inputIds]), g.Vector(0), g.Vector(1)]);
        var lengthVector = g.Op("Unsqueeze", [length, g.Vector(0)]);
        var scoreShape = g.Op("Concat", [batch, g.Vector(config.NumAttentionHeads), lengthVector, lengthVector], Int("axis", 0));
        return new RelativeAttentionInputs(rows,
            g.Op("Expand", [RelativePositionGraph.GatherIndex(g, rel, span, negate: false), scoreShape]),
            g.Op("Expand", [RelativePositionGraph.GatherIndex(g, rel, span, negate: true), scoreShape]));
    }

    // v2's ConvLayer after the first layer: conv over the embeddings, padding positions zeroed, activation, then
    // LayerNorm(layer output + conv) masked.
    private static string Conv(OnnxLayers layers, DebertaConfig config, string prefix, string embeddings, string residual, string mask, string maskFloat)
    {
        var g = layers.Graph;
        int kernel = config.ConvKernelSize ?? 3;
        int pad = (kernel - 1) / 2;
        var channelsFirst = g.Op("Transpose", [embeddings], Ints("perm", 0, 2, 1));
        var convInputs = layers.Has(prefix + ".conv.bias")
            ? new[] { channelsFirst, layers.Weight(prefix + ".conv.weight"), layers.Weight(prefix + ".conv.bias") }
            : new[] { channelsFirst, layers.Weight(prefix + ".conv.weight") };
        var convolved = g.Op("Conv", convInputs, Ints("kernel_shape", kernel), Ints("pads", pad, pad), Int("group", config.ConvGroups ?? 1));
        var output = g.Op("Transpose", [convolved], Ints("perm", 0, 2, 1));
        // (1 − mask) as bool, as the conv layer computes it: every position whose mask is not 1.
        var padding = g.Op("Unsqueeze", [g.Op("Not", [g.Op("Equal", [mask, g.Int64s([], 1)])]), g.Vector(2)]);
        output = layers.Activation(config.ConvAct ?? ActivationFunction.Tanh, g.Op("Where", [padding, g.Scalar(0f), output]));
        var normalized = layers.LayerNorm(g.Op("Add", [residual, output]), prefix + ".LayerNorm", config.LayerNormEps);
        return g.Op("Mul", [normalized, g.Op("Unsqueeze", [maskFloat, g.Vector(2)])]);
    }
}
