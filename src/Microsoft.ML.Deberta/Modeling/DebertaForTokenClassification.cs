using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// DeBERTa with a per-token classifier (transformers' <c>DebertaForTokenClassification</c> /
/// <c>DebertaV2ForTokenClassification</c>): <c>classifier</c> Linear(D, num_labels) on every token.
/// </summary>
public sealed class DebertaForTokenClassification : DebertaTaskModel<TokenClassifierOutput>
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
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
        dropout = new StableDropout(Config.HiddenDropoutProb);
        classifier = nn.Linear(Config.HiddenSize, Config.NumLabels);
        Build(seed);
    }


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
        bool outputAttentions = false) =>
        Run(inputIds, attentionMask, tokenTypeIds, positionIds, labels is null ? null : [labels], outputHiddenStates, outputAttentions);

    private protected override Tensor[] CheckLabels(Tensor[] labels, ModelInputs inputs) =>
        [inputs.TokenTargets(labels[0], Config.NumLabels)];

    private protected override TokenClassifierOutput Head(DebertaModelOutput backbone, Tensor[]? targets)
    {
        var logits = classifier.forward(dropout.forward(backbone.LastHiddenState));
        var loss = targets is null ? null : nn.functional.cross_entropy(logits.view(-1, Config.NumLabels), targets[0].view(-1));
        return new TokenClassifierOutput(logits, loss, backbone.HiddenStates, backbone.Attentions);
    }
}
