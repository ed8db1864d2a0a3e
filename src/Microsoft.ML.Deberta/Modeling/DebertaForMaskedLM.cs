using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// DeBERTa with a masked-LM head (transformers' <c>DebertaForMaskedLM</c> / <c>DebertaV2ForMaskedLM</c>).
/// <see cref="DebertaConfig.Legacy"/> picks the head: true → BERT-style <c>cls.predictions.*</c>, false → DeBERTa's
/// <c>lm_predictions.lm_head.*</c> (what Microsoft's checkpoints hold; the checkpoint loader picks whichever a
/// checkpoint contains). Either way the decoder uses the word embedding table (tied, stored once).
/// </summary>
public sealed class DebertaForMaskedLM : DebertaPreTrainedModel
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly DebertaModel deberta;
    private readonly LegacyMaskedLMHead? cls;
    private readonly DebertaMaskedLMHead? lm_predictions;
#pragma warning restore IDE1006

    /// <summary>Builds the model with weights initialised from <paramref name="seed"/>.</summary>
    /// <exception cref="DebertaConfigException">The config cannot carry this head (untied embeddings, or the non-legacy head with embedding_size ≠ hidden_size).</exception>
    public DebertaForMaskedLM(DebertaConfig config, long seed = 0)
        : this(config, (long?)seed)
    {
    }

    // A null seed leaves the weights as TorchSharp's modules create them: for a checkpoint load, whose weights follow.
    internal DebertaForMaskedLM(DebertaConfig config, long? seed)
        : base(nameof(DebertaForMaskedLM), config)
    {
        if (!Config.TieWordEmbeddings)
            throw new DebertaConfigException("tie_word_embeddings",
                "tie_word_embeddings false is not supported: DeBERTa's masked-LM decoder is the word embedding table.");
        if (!Config.Legacy && Config.EffectiveEmbeddingSize != Config.HiddenSize)
            throw new DebertaConfigException("embedding_size",
                $"The non-legacy masked-LM head (legacy false) needs embedding_size {Config.EffectiveEmbeddingSize} to equal hidden_size {Config.HiddenSize}.");
        deberta = new DebertaModel(Config, initialize: false);
        if (Config.Legacy)
            cls = new LegacyMaskedLMHead(Config);
        else
            lm_predictions = new DebertaMaskedLMHead(Config);
        RegisterComponents();
        if (seed is long value) InitializeWeights(value);
    }

    /// <inheritdoc />
    public override DebertaModel Backbone => deberta;

    private protected override string ClassNameSuffix => "ForMaskedLM";

    /// <summary>The forward pass; with <paramref name="labels"/> also the cross-entropy loss.</summary>
    /// <param name="inputIds">(B, L) token ids.</param>
    /// <param name="attentionMask">(B, L) 1 for tokens, 0 for padding.</param>
    /// <param name="tokenTypeIds">(B, L) segment ids.</param>
    /// <param name="positionIds">(B, L) or (1, L) absolute positions.</param>
    /// <param name="labels">(B, L) target ids; −100 marks positions without a target.</param>
    /// <param name="outputHiddenStates">Whether to return the hidden states.</param>
    /// <param name="outputAttentions">Whether to return the attention probabilities.</param>
    public MaskedLMOutput Forward(
        Tensor inputIds,
        Tensor? attentionMask = null,
        Tensor? tokenTypeIds = null,
        Tensor? positionIds = null,
        Tensor? labels = null,
        bool outputHiddenStates = false,
        bool outputAttentions = false)
    {
        using var scope = NewDisposeScope();
        var inputs = ModelInputs.Prepare(Config, inputIds, attentionMask, tokenTypeIds, positionIds);
        Tensor? targets = null;
        if (labels is not null)
        {
            if (!labels.shape.SequenceEqual(inputs.InputIds.shape))
                throw new ArgumentException($"labels has shape [{ModelInputs.Shape(labels)}] but input_ids has shape [{ModelInputs.Shape(inputs.InputIds)}].", nameof(labels));
            targets = ModelInputs.AsInt64(labels, "labels", nameof(labels));
            CheckTargets(targets, Config.VocabSize, nameof(labels));
        }

        var backbone = deberta.Run(inputs, outputHiddenStates, outputAttentions);
        var logits = cls is not null
            ? cls.Forward(backbone.LastHiddenState, deberta.WordEmbeddingWeight)
            : lm_predictions!.Forward(backbone.LastHiddenState, deberta.WordEmbeddingWeight);
        Tensor? loss = targets is null
            ? null
            : nn.functional.cross_entropy(logits.view(-1, Config.VocabSize), targets.view(-1));
        var output = new MaskedLMOutput(logits, loss, backbone.HiddenStates, backbone.Attentions);
        output.MoveToOuterDisposeScope();
        return output;
    }

    /// <summary>
    /// Training: the summed cross-entropy over the positions whose label is not −100, with the head run on those
    /// positions only. The value is <see cref="Forward"/>'s loss times the number of such positions; skipping the
    /// (B, L, V) logits of positions without a target saves most of the head's time and memory, since a masked-LM
    /// batch has targets at about 15% of its positions.
    /// </summary>
    /// <param name="inputIds">(B, L) token ids.</param>
    /// <param name="attentionMask">(B, L) 1 for tokens, 0 for padding.</param>
    /// <param name="tokenTypeIds">(B, L) segment ids.</param>
    /// <param name="labels">(B, L) int64 target ids, −100 where there is none (checked by the caller).</param>
    internal Tensor SummedLossAtTargets(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var inputs = ModelInputs.Prepare(Config, inputIds, attentionMask, tokenTypeIds, null);
        var hidden = deberta.Run(inputs, false, false).LastHiddenState;
        var flatLabels = labels.reshape(-1);
        var positions = flatLabels.ne(-100).nonzero().reshape(-1);
        var selected = hidden.reshape(-1, hidden.shape[^1]).index_select(0, positions);
        var logits = cls is not null
            ? cls.Forward(selected, deberta.WordEmbeddingWeight)
            : lm_predictions!.Forward(selected, deberta.WordEmbeddingWeight);
        return nn.functional.cross_entropy(logits, flatLabels.index_select(0, positions), reduction: nn.Reduction.Sum)
            .MoveToOuterDisposeScope();
    }

    /// <summary>Inference: <see cref="Forward"/> in eval mode without autograd and without labels. The caller disposes the output.</summary>
    public MaskedLMOutput Predict(
        Tensor inputIds,
        Tensor? attentionMask = null,
        Tensor? tokenTypeIds = null,
        Tensor? positionIds = null,
        bool outputHiddenStates = false,
        bool outputAttentions = false) =>
        Infer(() => Forward(inputIds, attentionMask, tokenTypeIds, positionIds, null, outputHiddenStates, outputAttentions));

    // Cross-entropy targets: −100 (ignored) or a class below the count; anything else would fail inside libtorch.
    internal static void CheckTargets(Tensor targets, long classes, string name)
    {
        using var scope = NewDisposeScope();
        var bad = targets.ne(-100).logical_and(targets.lt(0).logical_or(targets.ge(classes)));
        if (bad.any().item<bool>())
        {
            long value = targets[bad].flatten()[0].item<long>();
            throw new ArgumentException($"{name} holds {value}; targets must be −100 (ignored) or in 0…{classes - 1}.", name);
        }
    }
}
