using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// DeBERTa with an extractive question-answering head (transformers' <c>DebertaForQuestionAnswering</c> /
/// <c>DebertaV2ForQuestionAnswering</c>): <c>qa_outputs</c> Linear(D, 2) giving start and end scores per token.
/// </summary>
public sealed class DebertaForQuestionAnswering : DebertaPreTrainedModel
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly DebertaModel deberta;
    private readonly Linear qa_outputs;
#pragma warning restore IDE1006

    /// <summary>Builds the model with weights initialised from <paramref name="seed"/>.</summary>
    /// <exception cref="DebertaConfigException">num_labels is not 2 (start and end).</exception>
    public DebertaForQuestionAnswering(DebertaConfig config, long seed = 0)
        : this(config, (long?)seed)
    {
    }

    // A null seed leaves the weights as TorchSharp's modules create them: for a checkpoint load, whose weights follow.
    internal DebertaForQuestionAnswering(DebertaConfig config, long? seed)
        : base(nameof(DebertaForQuestionAnswering), config)
    {
        if (Config.NumLabels != 2)
            throw new DebertaConfigException("num_labels", $"Question answering needs num_labels 2 (start, end), not {Config.NumLabels}.");
        deberta = new DebertaModel(Config, initialize: false);
        qa_outputs = nn.Linear(Config.HiddenSize, Config.NumLabels);
        RegisterComponents();
        if (seed is long value) InitializeWeights(value);
    }

    /// <inheritdoc />
    public override DebertaModel Backbone => deberta;

    private protected override string ClassNameSuffix => "ForQuestionAnswering";

    /// <summary>
    /// The forward pass; with both position tensors also the loss: the mean of the start and end cross-entropies,
    /// positions clamped to [0, L] and L ignored (so an answer outside the window counts for nothing).
    /// </summary>
    /// <param name="inputIds">(B, L) token ids.</param>
    /// <param name="attentionMask">(B, L) 1 for tokens, 0 for padding.</param>
    /// <param name="tokenTypeIds">(B, L) segment ids.</param>
    /// <param name="positionIds">(B, L) or (1, L) absolute positions.</param>
    /// <param name="startPositions">(B) or (B, 1) answer start token index.</param>
    /// <param name="endPositions">(B) or (B, 1) answer end token index.</param>
    /// <param name="outputHiddenStates">Whether to return the hidden states.</param>
    /// <param name="outputAttentions">Whether to return the attention probabilities.</param>
    public QuestionAnsweringOutput Forward(
        Tensor inputIds,
        Tensor? attentionMask = null,
        Tensor? tokenTypeIds = null,
        Tensor? positionIds = null,
        Tensor? startPositions = null,
        Tensor? endPositions = null,
        bool outputHiddenStates = false,
        bool outputAttentions = false)
    {
        using var scope = NewDisposeScope();
        var inputs = ModelInputs.Prepare(Config, inputIds, attentionMask, tokenTypeIds, positionIds);
        long batch = inputs.InputIds.shape[0];
        if ((startPositions is null) != (endPositions is null))
            throw new ArgumentException("Give both startPositions and endPositions, or neither.", startPositions is null ? nameof(startPositions) : nameof(endPositions));
        Tensor? starts = null, ends = null;
        if (startPositions is not null)
        {
            starts = Positions(startPositions, batch, nameof(startPositions));
            ends = Positions(endPositions!, batch, nameof(endPositions));
        }

        var backbone = deberta.Run(inputs, outputHiddenStates, outputAttentions);
        var logits = qa_outputs.forward(backbone.LastHiddenState);
        var split = logits.split(1, dim: -1);
        var startLogits = split[0].squeeze(-1).contiguous();
        var endLogits = split[1].squeeze(-1).contiguous();

        Tensor? loss = null;
        if (starts is not null)
        {
            long ignored = startLogits.shape[1];
            var startLoss = nn.functional.cross_entropy(startLogits, starts.clamp(0, ignored), ignore_index: ignored);
            var endLoss = nn.functional.cross_entropy(endLogits, ends!.clamp(0, ignored), ignore_index: ignored);
            loss = (startLoss + endLoss) / 2;
        }
        var output = new QuestionAnsweringOutput(startLogits, endLogits, loss, backbone.HiddenStates, backbone.Attentions);
        output.MoveToOuterDisposeScope();
        return output;
    }

    /// <summary>Inference: <see cref="Forward"/> in eval mode without autograd and without positions. The caller disposes the output.</summary>
    public QuestionAnsweringOutput Predict(
        Tensor inputIds,
        Tensor? attentionMask = null,
        Tensor? tokenTypeIds = null,
        Tensor? positionIds = null,
        bool outputHiddenStates = false,
        bool outputAttentions = false) =>
        Infer(() => Forward(inputIds, attentionMask, tokenTypeIds, positionIds, null, null, outputHiddenStates, outputAttentions));

    private static Tensor Positions(Tensor positions, long batch, string name)
    {
        var p = positions.dim() > 1 ? positions.squeeze(-1) : positions.alias();
        if (p.dim() != 1 || p.shape[0] != batch)
            throw new ArgumentException($"{name} has shape [{ModelInputs.Shape(positions)}]; expected [{batch}] or [{batch}, 1].", name);
        return ModelInputs.AsInt64(p, name, name);
    }
}
