namespace Microsoft.ML.Deberta.Configuration;

/// <summary>The consistency rules a <see cref="DebertaConfig"/> must satisfy before a model is built from it.</summary>
internal static class DebertaConfigValidator
{
    private static readonly string[] KnownRelativeTerms = ["c2p", "p2c", "p2p"];

    public static void Validate(DebertaConfig c)
    {
        Positive("vocab_size", c.VocabSize);
        Positive("hidden_size", c.HiddenSize);
        Positive("num_hidden_layers", c.NumHiddenLayers);
        Positive("num_attention_heads", c.NumAttentionHeads);
        Positive("intermediate_size", c.IntermediateSize);
        Positive("max_position_embeddings", c.MaxPositionEmbeddings);
        if (c.TypeVocabSize < 0)
            throw new DebertaConfigException("type_vocab_size", $"type_vocab_size must be 0 (no token types) or positive, not {c.TypeVocabSize}.");
        if (c.EmbeddingSize is int e) Positive("embedding_size", e);
        Probability("hidden_dropout_prob", c.HiddenDropoutProb);
        Probability("attention_probs_dropout_prob", c.AttentionProbsDropoutProb);
        Probability("pooler_dropout", c.PoolerDropout);
        if (c.ClsDropout is double cls) Probability("cls_dropout", cls);
        if (!(c.LayerNormEps > 0) || double.IsInfinity(c.LayerNormEps))
            throw new DebertaConfigException("layer_norm_eps", $"layer_norm_eps must be positive, not {c.LayerNormEps}.");
        if (!(c.InitializerRange >= 0) || double.IsInfinity(c.InitializerRange))
            throw new DebertaConfigException("initializer_range", $"initializer_range must be zero or positive, not {c.InitializerRange}.");
        if (c.PadTokenId is int pad && (pad < 0 || pad >= c.VocabSize))
            throw new DebertaConfigException("pad_token_id", $"pad_token_id {pad} is not a row of the {c.VocabSize}-row vocabulary.");

        if (c.HiddenSize % c.NumAttentionHeads != 0)
            throw new DebertaConfigException("num_attention_heads",
                $"hidden_size {c.HiddenSize} is not a multiple of num_attention_heads {c.NumAttentionHeads}.");
        if (c.Version == DebertaVersion.V2 && c.AttentionHeadSize is int d)
        {
            Positive("attention_head_size", d);
            // The attention output dense maps hidden_size → hidden_size, so the heads together must be hidden_size wide.
            if (d * c.NumAttentionHeads != c.HiddenSize)
                throw new DebertaConfigException("attention_head_size",
                    $"attention_head_size {d} × num_attention_heads {c.NumAttentionHeads} must equal hidden_size {c.HiddenSize}.");
        }
        if (c.PoolerHiddenSize is int pooler && pooler != c.HiddenSize)
            throw new DebertaConfigException("pooler_hidden_size",
                $"pooler_hidden_size {pooler} must equal hidden_size {c.HiddenSize} (the classifier reads hidden_size features).");

        foreach (var term in c.PosAttType)
        {
            if (!KnownRelativeTerms.Contains(term))
                throw new DebertaConfigException("pos_att_type",
                    $"pos_att_type entry '{term}' is not one of c2p, p2c, p2p.");
        }
        if (c.RelativeAttention && c.EffectiveMaxRelativePositions < 1)
            throw new DebertaConfigException("max_relative_positions", "max_relative_positions resolves to less than 1.");
        if (c.NormRelEbd is string norm)
        {
            foreach (var item in DebertaConfig.SplitBars(norm))
            {
                if (item is not ("none" or "layer_norm" or ""))
                    throw new DebertaConfigException("norm_rel_ebd", $"norm_rel_ebd entry '{item}' is not 'none' or 'layer_norm'.");
            }
        }
        if (c.ConvKernelSize is int k && k < 0)
            throw new DebertaConfigException("conv_kernel_size", $"conv_kernel_size must be 0 (no convolution) or positive, not {k}.");
        if (c.ConvGroups is int g && (g < 1 || c.HiddenSize % g != 0))
            throw new DebertaConfigException("conv_groups", $"conv_groups {g} must be positive and divide hidden_size {c.HiddenSize}.");
        if (c.Version == DebertaVersion.V2 && c.ConvKernelSize is int kernel && kernel > 0 && kernel % 2 == 0)
            // An even kernel with padding (k − 1) / 2 shortens the sequence by one, which transformers cannot add back either.
            throw new DebertaConfigException("conv_kernel_size", $"conv_kernel_size {kernel} must be odd so the convolution keeps the sequence length.");
        if (c.Id2Label.Count < 1)
            throw new DebertaConfigException("num_labels", "A config needs at least one label.");
    }

    private static void Positive(string field, int value)
    {
        if (value < 1)
            throw new DebertaConfigException(field, $"{field} must be positive, not {value}.");
    }

    private static void Probability(string field, double value)
    {
        if (!(value >= 0 && value <= 1))
            throw new DebertaConfigException(field, $"{field} must be a probability in [0, 1], not {value}.");
    }
}
