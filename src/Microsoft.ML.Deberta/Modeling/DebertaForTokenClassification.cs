using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// DeBERTa with a per-token classifier (transformers' <c>DebertaForTokenClassification</c> /
/// <c>DebertaV2ForTokenClassification</c>): <c>classifier</c> Linear(D, num_labels) on every token.
/// </summary>
public sealed class DebertaForTokenClassification : DebertaPreTrainedModel
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly DebertaModel deberta;
    private readonly StableDropout dropout;
    private readonly Linear classifier;
#pragma warning restore IDE1006

    /// <summary>Builds the model with weights initialised from <paramref name="seed"/>.</summary>
    public DebertaForTokenClassification(DebertaConfig config, long seed = 0)
        : this(config, (long?)seed)
    {
    }

    // A null seed leaves the weights as TorchSharp's modules create them: for a checkpoint load, whose weights follow.
    internal DebertaForTokenClassification(DebertaConfig config, long? seed)
        : base(nameof(DebertaForTokenClassification), config)
    {
        deberta = new DebertaModel(Config, initialize: false);
        dropout = new StableDropout(Config.HiddenDropoutProb);
        classifier = nn.Linear(Config.HiddenSize, Config.NumLabels);
        RegisterComponents();
        if (seed is long value) InitializeWeights(value);
    }

    /// <inheritdoc />
    public override DebertaModel Backbone => deberta;

    private protected override string ClassNameSuffix => "ForTokenClassification";

    /// <summary>The forward pass; with <paramref name="labels"/> also the cross-entropy loss over tokens whose label is not −100.</summary>
    /// <param name="inputIds">(B, L) token ids.</param>
    /// <param name="attentionMask">(B, L) 1 for tokens, 0 for padding.</param>
    /// <param name="tokenTypeIds">(B, L) segment ids.</param>
    /// <param name="positionIds">(B, L) or (1, L) absolute positions.</param>
    /// <param name="labels">(B, L) class indices; −100 marks tokens without a label (padding, sub-words).</param>
    /// <param name="outputHiddenStates">Whether to return the hidden states.</param>
    /// <param name="outputAttentions">Whether to return the attention probabilities.</param>
    public TokenClassifierOutput Forward(
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
            DebertaForMaskedLM.CheckTargets(targets, Config.NumLabels, nameof(labels));
        }

        var backbone = deberta.Run(inputs, outputHiddenStates, outputAttentions);
        var logits = classifier.forward(dropout.forward(backbone.LastHiddenState));
        Tensor? loss = targets is null
            ? null
            : nn.functional.cross_entropy(logits.view(-1, Config.NumLabels), targets.view(-1));
        var output = new TokenClassifierOutput(logits, loss, backbone.HiddenStates, backbone.Attentions);
        output.MoveToOuterDisposeScope();
        return output;
    }

    /// <summary>Inference: <see cref="Forward"/> in eval mode without autograd and without labels. The caller disposes the output.</summary>
    public TokenClassifierOutput Predict(
        Tensor inputIds,
        Tensor? attentionMask = null,
        Tensor? tokenTypeIds = null,
        Tensor? positionIds = null,
        bool outputHiddenStates = false,
        bool outputAttentions = false) =>
        Infer(() => Forward(inputIds, attentionMask, tokenTypeIds, positionIds, null, outputHiddenStates, outputAttentions));
}
