using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// DeBERTa with an extractive question-answering head (transformers' <c>DebertaForQuestionAnswering</c> /
/// <c>DebertaV2ForQuestionAnswering</c>): <c>qa_outputs</c> Linear(D, 2) giving start and end scores per token.
/// </summary>
public sealed class DebertaForQuestionAnswering : DebertaTaskModel<QuestionAnsweringOutput>
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
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
        qa_outputs = nn.Linear(Config.HiddenSize, Config.NumLabels);
        Build(seed);
    }


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
        if ((startPositions is null) != (endPositions is null))
            throw new ArgumentException("Give both startPositions and endPositions, or neither.", startPositions is null ? nameof(startPositions) : nameof(endPositions));
        return Run(inputIds, attentionMask, tokenTypeIds, positionIds, startPositions is null ? null : [startPositions, endPositions!],
            outputHiddenStates, outputAttentions);
    }

    // labels: start positions, end positions.
    private protected override Tensor[] CheckLabels(Tensor[] labels, ModelInputs inputs)
    {
        long batch = inputs.InputIds.shape[0];
        return [Positions(labels[0], batch, "startPositions"), Positions(labels[1], batch, "endPositions")];
    }

    private protected override QuestionAnsweringOutput Head(DebertaModelOutput backbone, Tensor[]? targets)
    {
        var logits = qa_outputs.forward(backbone.LastHiddenState);
        var split = logits.split(1, dim: -1);
        var startLogits = split[0].squeeze(-1).contiguous();
        var endLogits = split[1].squeeze(-1).contiguous();

        Tensor? loss = null;
        if (targets is not null)
        {
            long ignored = startLogits.shape[1];
            using var top = ignored.ToScalar();   // see TorchScalars
            var startLoss = nn.functional.cross_entropy(startLogits, targets[0].clamp(TorchScalars.Zero, top), ignore_index: ignored);
            var endLoss = nn.functional.cross_entropy(endLogits, targets[1].clamp(TorchScalars.Zero, top), ignore_index: ignored);
            loss = (startLoss + endLoss) / 2;
        }
        return new QuestionAnsweringOutput(startLogits, endLogits, loss, backbone.HiddenStates, backbone.Attentions);
    }

    private static Tensor Positions(Tensor positions, long batch, string name)
    {
        var p = positions.dim() > 1 ? positions.squeeze(-1) : positions.alias();
        if (p.dim() != 1 || p.shape[0] != batch)
            throw new ArgumentException($"{name} has shape [{ModelInputs.Shape(positions)}]; expected [{batch}] or [{batch}, 1].", name);
        return ModelInputs.AsInt64(p, name, name);
    }
}
