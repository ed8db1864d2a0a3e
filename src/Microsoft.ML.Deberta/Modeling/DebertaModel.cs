using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// The bare DeBERTa encoder: transformers' <c>DebertaModel</c> for <c>model_type "deberta"</c> and
/// <c>DebertaV2Model</c> for <c>"deberta-v2"</c> (v2 and v3). Keys <c>embeddings.*</c> and <c>encoder.*</c>.
/// </summary>
/// <example>
/// <code>
/// using var model = new DebertaModel(config, seed: 42);
/// using var output = model.Predict(inputIds, attentionMask);
/// var features = output.LastHiddenState; // (B, L, hidden_size)
/// </code>
/// </example>
public sealed class DebertaModel : DebertaPreTrainedModel
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly DebertaEmbeddings embeddings;
    private readonly DebertaEncoder encoder;
#pragma warning restore IDE1006

    /// <summary>Builds the model with weights initialised from <paramref name="seed"/> as transformers initialises a new model.</summary>
    /// <param name="config">The configuration (v1 or v2); validated and copied.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    public DebertaModel(DebertaConfig config, long seed = 0)
        : this(config, initialize: false)
    {
        InitializeWeights(seed);
    }

    // Used by the heads, whose own constructor initialises every weight once, backbone included.
    internal DebertaModel(DebertaConfig config, bool initialize)
        : base(nameof(DebertaModel), config)
    {
        embeddings = new DebertaEmbeddings(Config);
        encoder = new DebertaEncoder(Config);
        RegisterComponents();
        if (initialize) InitializeWeights(0);
    }

    /// <inheritdoc />
    public override DebertaModel Backbone => this;

    /// <summary>The word embedding table, shared with the masked-LM decoder.</summary>
    internal Tensor WordEmbeddingWeight => embeddings.WordEmbeddingWeight;

    /// <summary>
    /// The forward pass (autograd on when enabled by the caller; dropout when in training mode).
    /// </summary>
    /// <param name="inputIds">(B, L) token ids, int64 or int32, each below vocab_size.</param>
    /// <param name="attentionMask">(B, L) 1 for tokens, 0 for padding; all ones when null.</param>
    /// <param name="tokenTypeIds">(B, L) segment ids; zeros when null; ignored when the model has no token types.</param>
    /// <param name="positionIds">(B, L) or (1, L) absolute positions; 0…L−1 when null.</param>
    /// <param name="outputHiddenStates">Whether to return the N + 1 hidden states.</param>
    /// <param name="outputAttentions">Whether to return the N attention probability tensors.</param>
    /// <exception cref="ArgumentException">An input has the wrong rank, dtype, shape or values.</exception>
    public DebertaModelOutput Forward(
        Tensor inputIds,
        Tensor? attentionMask = null,
        Tensor? tokenTypeIds = null,
        Tensor? positionIds = null,
        bool outputHiddenStates = false,
        bool outputAttentions = false) =>
        Forward(inputIds, attentionMask, tokenTypeIds, positionIds, outputHiddenStates, outputAttentions, paddingUnread: false);

    // Forward's inputs checked and run; the output's tensors leave this pass's dispose scope for the caller's.
    private DebertaModelOutput Forward(Tensor inputIds, Tensor? attentionMask, Tensor? tokenTypeIds, Tensor? positionIds,
        bool outputHiddenStates, bool outputAttentions, bool paddingUnread)
    {
        ThrowIfDisposed();
        using var scope = NewDisposeScope();
        var inputs = ModelInputs.Prepare(Config, inputIds, attentionMask, tokenTypeIds, positionIds);
        var output = Run(inputs, outputHiddenStates, outputAttentions, paddingUnread: paddingUnread);
        output.MoveToOuterDisposeScope();
        return output;
    }

    /// <summary>
    /// Inference: <see cref="Forward"/> in eval mode without autograd. The caller owns (and disposes) the output.
    /// </summary>
    public DebertaModelOutput Predict(
        Tensor inputIds,
        Tensor? attentionMask = null,
        Tensor? tokenTypeIds = null,
        Tensor? positionIds = null,
        bool outputHiddenStates = false,
        bool outputAttentions = false) =>
        Infer(() => Forward(inputIds, attentionMask, tokenTypeIds, positionIds, outputHiddenStates, outputAttentions));

    /// <summary>The most attention-score elements one layer pass holds in inference (see <see cref="DebertaEncoder.DefaultScoreElementsPerPass"/>).</summary>
    internal long ScoreElementsPerPass
    {
        get => encoder.ScoreElementsPerPass;
        set => encoder.ScoreElementsPerPass = value;
    }

    /// <summary>Whether the encoder runs an inference pass of this size that reads no padded position on the tokens alone (see <see cref="DebertaEncoder.PacksPass"/>).</summary>
    internal bool PacksPass(long rows, long length) => encoder.PacksPass(rows, length);

    /// <inheritdoc />
    internal override bool PacksTokensInInference(long rows, long length, bool paddingUnread = false) =>
        paddingUnread && encoder.PacksPass(rows, length);

    /// <summary>
    /// <see cref="Forward"/> for a caller that reads no padded position of the output (the batched embedding predictor):
    /// in inference over a right-padded batch the per-token work runs on the tokens alone (see <see cref="TokenPacking"/>)
    /// and <c>LastHiddenState</c> is zero at the padding instead of transformers' values there. The caller runs it in
    /// eval mode under no_grad.
    /// </summary>
    internal DebertaModelOutput ForwardPaddingUnread(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) =>
        Forward(inputIds, attentionMask, tokenTypeIds, null, outputHiddenStates: false, outputAttentions: false, paddingUnread: true);

    /// <summary>Whether inference may run the per-token work on the tokens alone (see <see cref="TokenPacking"/>); tests turn it off.</summary>
    internal bool PacksTokens
    {
        get => encoder.PacksTokens;
        set => encoder.PacksTokens = value;
    }

    /// <summary>The precision of the encoder's products (see <see cref="DebertaPreTrainedModel.ConvertForInference"/>).</summary>
    internal DebertaPrecision ProductPrecision { get; private set; }

    /// <summary>Rounds the encoder's product weights to bfloat16 (once; a no-op when they already are).</summary>
    internal void ConvertProductsToBFloat16()
    {
        if (ProductPrecision == DebertaPrecision.BFloat16)
            return;
        encoder.ConvertProducts(ScalarType.BFloat16);
        ProductPrecision = DebertaPrecision.BFloat16;
    }

    /// <summary>
    /// The precision the encoder computes its products in from its float32 weights, cast on the fly in every forward
    /// pass (<see cref="ProductAutocast"/>: mixed-precision training with float32 master weights and optimizer state).
    /// Unlike <see cref="ProductPrecision"/> it changes no weight and can be switched back; a training run sets it for
    /// its duration. Float32 (the default) computes as the weights are stored.
    /// </summary>
    internal DebertaPrecision AutocastPrecision
    {
        get => autocastPrecision;
        set
        {
            // Projections an inference pass kept were computed in the old precision.
            autocastPrecision = value;
            ReleaseRelativeProjections();
        }
    }

    private DebertaPrecision autocastPrecision;

    /// <summary>Makes every attention layer keep its relative-position projections between inference passes (see <see cref="DebertaPreTrainedModel.ConvertForInference"/>), releasing what was kept before.</summary>
    internal void KeepRelativeProjections()
    {
        foreach (var attention in modules().OfType<DisentangledSelfAttention>())
            attention.KeepProjections();
    }

    /// <summary>Releases the kept relative-position projections (the weights changed); they are computed again by the next inference pass.</summary>
    internal void ReleaseRelativeProjections()
    {
        foreach (var attention in modules().OfType<DisentangledSelfAttention>())
            attention.ReleaseProjections();
    }

    /// <summary>The forward pass on already checked inputs (used by the heads).</summary>
    /// <exception cref="InvalidOperationException">The model was converted for bfloat16 inference and is in training mode.</exception>
    /// <param name="inputs">The checked inputs.</param>
    /// <param name="outputHiddenStates">Whether to return the N + 1 hidden states.</param>
    /// <param name="outputAttentions">Whether to return the N attention probability tensors.</param>
    /// <param name="firstTokenOnly">Whether the head reads only the first position of the last hidden state, which is then (B, 1, D) (see <see cref="DebertaEncoder.Forward"/>).</param>
    /// <param name="paddingUnread">Whether the caller reads no padded position of the output, which may then skip the padding (see <see cref="DebertaEncoder.Forward"/>).</param>
    internal DebertaModelOutput Run(ModelInputs inputs, bool outputHiddenStates, bool outputAttentions, bool firstTokenOnly = false, bool paddingUnread = false)
    {
        if (ProductPrecision != DebertaPrecision.Float32 && training)
            throw new InvalidOperationException(
                $"This model was converted for {ProductPrecision} inference (ConvertForInference) and cannot run in training mode: " +
                "call Predict, or eval() before Forward. To train, load the float32 model again.");
        var embedded = embeddings.Forward(inputs.InputIds, inputs.TokenTypeIds, inputs.PositionIds, inputs.Mask);
        using var autocast = ProductAutocast.Enter(AutocastPrecision);
        var (last, hiddenStates, attentions) = encoder.Forward(embedded, inputs.Mask, outputHiddenStates, outputAttentions, firstTokenOnly, paddingUnread);
        return new DebertaModelOutput(last, hiddenStates, attentions);
    }
}
