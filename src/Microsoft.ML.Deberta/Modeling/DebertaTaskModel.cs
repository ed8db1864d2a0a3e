using Microsoft.ML.Deberta.Configuration;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// What the four task heads (sequence classification, token classification, question answering, masked LM) share:
/// the forward pass around the head — inputs checked, labels checked against them, the backbone run, the head
/// applied, the tensors handed to the caller — and <see cref="Predict"/>. A head supplies only its own layers,
/// its label check and its loss.
/// </summary>
/// <typeparam name="TOutput">What the head returns (logits or start/end scores, with the loss when labels were given).</typeparam>
public abstract class DebertaTaskModel<TOutput> : DebertaPreTrainedModel
    where TOutput : DebertaOutput
{
#pragma warning disable IDE1006 // The field name is the checkpoint key prefix (transformers' base_model_prefix).
    private protected readonly DebertaModel deberta;
#pragma warning restore IDE1006

    /// <summary>Builds the configuration part (see <see cref="DebertaPreTrainedModel"/>) and the backbone; the head builds its own modules after.</summary>
    private protected DebertaTaskModel(string name, DebertaConfig config)
        : base(name, config)
    {
        deberta = new DebertaModel(Config, initialize: false);
    }

    /// <inheritdoc />
    public sealed override DebertaModel Backbone => deberta;

    /// <summary>Inference: the forward pass in eval mode without autograd and without labels. The caller disposes the output.</summary>
    /// <param name="inputIds">(B, L) token ids.</param>
    /// <param name="attentionMask">(B, L) 1 for tokens, 0 for padding.</param>
    /// <param name="tokenTypeIds">(B, L) segment ids.</param>
    /// <param name="positionIds">(B, L) or (1, L) absolute positions.</param>
    /// <param name="outputHiddenStates">Whether to return the hidden states.</param>
    /// <param name="outputAttentions">Whether to return the attention probabilities.</param>
    public TOutput Predict(
        Tensor inputIds,
        Tensor? attentionMask = null,
        Tensor? tokenTypeIds = null,
        Tensor? positionIds = null,
        bool outputHiddenStates = false,
        bool outputAttentions = false) =>
        Infer(() => Run(inputIds, attentionMask, tokenTypeIds, positionIds, labels: null, outputHiddenStates, outputAttentions));

    /// <summary>
    /// The forward pass without labels for a caller that reads no padded position of the output (the batched
    /// predictors of token and span logits): in inference over a right-padded batch the per-token work runs on the
    /// tokens alone (see <see cref="TokenPacking"/>) and the outputs at the padding are the head's on zeros instead of
    /// transformers' values there. The caller runs it in eval mode under no_grad.
    /// </summary>
    internal TOutput ForwardPaddingUnread(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) =>
        Run(inputIds, attentionMask, tokenTypeIds, null, labels: null, outputHiddenStates: false, outputAttentions: false, paddingUnread: true);

    // The forward pass every head's Forward is. labels: the head's labels (one tensor; start and end positions for
    // question answering), or null. They are checked right after the inputs, so a bad label fails before the backbone
    // runs; the output's tensors leave this pass's dispose scope for the caller's.
    private protected TOutput Run(
        Tensor inputIds,
        Tensor? attentionMask,
        Tensor? tokenTypeIds,
        Tensor? positionIds,
        Tensor[]? labels,
        bool outputHiddenStates,
        bool outputAttentions,
        bool paddingUnread = false)
    {
        ThrowIfDisposed();
        using var scope = NewDisposeScope();
        var inputs = ModelInputs.Prepare(Config, inputIds, attentionMask, tokenTypeIds, positionIds);
        var targets = labels is null ? null : CheckLabels(labels, inputs);
        // Also in training: the other positions' outputs reach no loss, so their gradients are zero and skipping them changes
        // none; the first position's dropout drops what the whole layer's would there (StableDropout.ForwardFirstPositions).
        bool firstTokenOnly = HeadReadsFirstTokenOnly && !outputHiddenStates;
        var backbone = deberta.Run(inputs, outputHiddenStates, outputAttentions, firstTokenOnly, paddingUnread);
        var output = Head(backbone, targets);
        output.MoveToOuterDisposeScope();
        return output;
    }

    /// <summary>
    /// Whether <see cref="Head"/> reads only the first position of the last hidden state (a sequence classifier's
    /// pooler): the last layer's feed-forward work is then computed, and trained, for that position alone.
    /// </summary>
    private protected virtual bool HeadReadsFirstTokenOnly => false;

    /// <inheritdoc />
    internal override bool PacksTokensInInference(long rows, long length, bool paddingUnread = false) =>
        (HeadReadsFirstTokenOnly || paddingUnread) && deberta.PacksPass(rows, length);

    /// <summary>Checks the labels against the prepared inputs (shape, dtype, range) and returns them as the loss takes them.</summary>
    private protected abstract Tensor[] CheckLabels(Tensor[] labels, ModelInputs inputs);

    /// <summary>The head's layers on the backbone's output; with <paramref name="targets"/> (from <see cref="CheckLabels"/>) also the loss.</summary>
    private protected abstract TOutput Head(DebertaModelOutput backbone, Tensor[]? targets);

    /// <summary>Registers the modules the head's constructor built, then initialises every weight from the seed (none for a checkpoint load).</summary>
    private protected void Build(long? seed)
    {
        RegisterComponents();
        if (seed is long value) InitializeWeights(value);
    }
}
