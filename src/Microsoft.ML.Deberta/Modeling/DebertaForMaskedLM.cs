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
public sealed class DebertaForMaskedLM : DebertaTaskModel<MaskedLMOutput>
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
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
        if (Config.Legacy)
            cls = new LegacyMaskedLMHead(Config);
        else
            lm_predictions = new DebertaMaskedLMHead(Config);
        Build(seed);
    }


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
        bool outputAttentions = false) =>
        Run(inputIds, attentionMask, tokenTypeIds, positionIds, labels is null ? null : [labels], outputHiddenStates, outputAttentions);

    private protected override Tensor[] CheckLabels(Tensor[] labels, ModelInputs inputs) =>
        [inputs.TokenTargets(labels[0], Config.VocabSize)];

    private protected override MaskedLMOutput Head(DebertaModelOutput backbone, Tensor[]? targets)
    {
        var logits = Decode(backbone.LastHiddenState);
        var loss = targets is null ? null : nn.functional.cross_entropy(logits.view(-1, Config.VocabSize), targets[0].view(-1));
        return new MaskedLMOutput(logits, loss, backbone.HiddenStates, backbone.Attentions);
    }

    // The vocabulary logits of hidden states, through whichever head the config chose; the decoder is the word embedding table.
    private Tensor Decode(Tensor hidden) => cls is not null
        ? cls.Forward(hidden, deberta.WordEmbeddingWeight)
        : lm_predictions!.Forward(hidden, deberta.WordEmbeddingWeight);

    /// <summary>
    /// Inference: the vocabulary logits at <paramref name="flatPositions"/> only, (M, V). The decoder's product with the
    /// word embedding table costs each position about as much as the whole encoder (v3: 768 × 128,100 per token), and a
    /// fill-mask text needs it at its masks alone; the other positions' (L, V) logits are never computed or copied. The
    /// positions must be tokens: over a right-padded batch the encoder skips the padding (see <see cref="TokenPacking"/>).
    /// The caller runs this in eval mode under no_grad.
    /// </summary>
    /// <param name="inputIds">(B, L) token ids.</param>
    /// <param name="attentionMask">(B, L) 1 for tokens, 0 for padding.</param>
    /// <param name="tokenTypeIds">(B, L) segment ids.</param>
    /// <param name="flatPositions">(M) int64 indices into the batch's B × L positions (row × L + position).</param>
    internal Tensor LogitsAt(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor flatPositions)
    {
        ThrowIfDisposed();
        using var scope = NewDisposeScope();
        var inputs = ModelInputs.Prepare(Config, inputIds, attentionMask, tokenTypeIds, null);
        return DecodeAt(inputs, flatPositions, paddingUnread: true).MoveToOuterDisposeScope();
    }

    // The vocabulary logits of the backbone's last hidden state at flat positions (row × L + position), (M, V).
    private Tensor DecodeAt(ModelInputs inputs, Tensor flatPositions, bool paddingUnread)
    {
        var hidden = deberta.Run(inputs, false, false, paddingUnread: paddingUnread).LastHiddenState;
        return Decode(hidden.reshape(-1, hidden.shape[^1]).index_select(0, flatPositions));
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
        var flatLabels = labels.reshape(-1);
        using var ignored = (-100).ToScalar();   // see TorchScalars
        var positions = flatLabels.ne(ignored).nonzero().reshape(-1);
        var logits = DecodeAt(inputs, positions, paddingUnread: false);
        return nn.functional.cross_entropy(logits, flatLabels.index_select(0, positions), reduction: nn.Reduction.Sum)
            .MoveToOuterDisposeScope();
    }
}
