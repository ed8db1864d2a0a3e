using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// DeBERTa with a sequence classification / regression head (transformers' <c>DebertaForSequenceClassification</c> /
/// <c>DebertaV2ForSequenceClassification</c>): <c>pooler</c> on the first token, dropout (<c>cls_dropout</c>), and
/// <c>classifier</c> Linear(D, num_labels).
/// </summary>
/// <remarks>
/// The loss follows transformers. With <see cref="DebertaConfig.ProblemType"/> unset: num_labels 1 → mean squared error
/// (float labels); one label per row → cross-entropy over the rows whose label is ≥ 0 (rows with negative labels are
/// dropped; none left gives 0); one column per label → soft-label cross-entropy. With it set: regression → MSE,
/// single_label_classification → cross-entropy, multi_label_classification → binary cross-entropy with logits.
/// </remarks>
public sealed class DebertaForSequenceClassification : DebertaTaskModel<SequenceClassifierOutput>
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly ContextPooler pooler;
    private readonly Linear classifier;
    private readonly StableDropout dropout;
#pragma warning restore IDE1006

    /// <summary>Builds the model with weights initialised from <paramref name="seed"/>.</summary>
    public DebertaForSequenceClassification(DebertaConfig config, long seed = 0)
        : this(config, (long?)seed)
    {
    }

    // A null seed leaves the weights as TorchSharp's modules create them: for a checkpoint load, whose weights follow.
    internal DebertaForSequenceClassification(DebertaConfig config, long? seed)
        : base(nameof(DebertaForSequenceClassification), config)
    {
        pooler = new ContextPooler(Config);
        classifier = nn.Linear(Config.HiddenSize, Config.NumLabels);
        dropout = new StableDropout(Config.EffectiveClsDropout);
        Build(seed);
    }


    /// <summary>The forward pass; with <paramref name="labels"/> also the loss (see the class remarks).</summary>
    /// <param name="inputIds">(B, L) token ids.</param>
    /// <param name="attentionMask">(B, L) 1 for tokens, 0 for padding.</param>
    /// <param name="tokenTypeIds">(B, L) segment ids.</param>
    /// <param name="positionIds">(B, L) or (1, L) absolute positions.</param>
    /// <param name="labels">(B) class indices or regression targets, or (B, num_labels) for multi-label / soft labels.</param>
    /// <param name="outputHiddenStates">Whether to return the hidden states.</param>
    /// <param name="outputAttentions">Whether to return the attention probabilities.</param>
    public SequenceClassifierOutput Forward(
        Tensor inputIds,
        Tensor? attentionMask = null,
        Tensor? tokenTypeIds = null,
        Tensor? positionIds = null,
        Tensor? labels = null,
        bool outputHiddenStates = false,
        bool outputAttentions = false) =>
        Run(inputIds, attentionMask, tokenTypeIds, positionIds, labels is null ? null : [labels], outputHiddenStates, outputAttentions);

    private protected override Tensor[] CheckLabels(Tensor[] labels, ModelInputs inputs)
    {
        CheckBatch(labels[0], inputs.InputIds.shape[0], "labels");
        return labels;
    }

    // The pooler reads the first position ([CLS]) alone.
    private protected override bool HeadReadsFirstTokenOnly => true;

    private protected override SequenceClassifierOutput Head(DebertaModelOutput backbone, Tensor[]? targets)
    {
        var logits = classifier.forward(dropout.forward(pooler.forward(backbone.LastHiddenState)));
        var loss = targets is null ? null : Loss(logits, targets[0]);
        return new SequenceClassifierOutput(logits, loss, backbone.HiddenStates, backbone.Attentions);
    }

    private Tensor Loss(Tensor logits, Tensor labels)
    {
        int numLabels = Config.NumLabels;
        switch (Config.ProblemType)
        {
            case null when numLabels == 1:
                RequireFloat(labels, "regression (num_labels 1)");
                return nn.functional.mse_loss(logits.view(-1).to_type(labels.dtype), labels.view(-1));
            case null when labels.dim() == 1 || labels.shape[^1] == 1:
            {
                var targets = SingleLabelTargets(labels, numLabels, allowNegative: true);
                // Rows with a negative label are dropped (transformers' ignore rule for this head).
                var keep = targets.ge(TorchScalars.Zero).nonzero();
                if (keep.shape[0] == 0)
                    return torch.tensor(0).to(logits);
                var kept = torch.gather(logits, 0, keep.expand(keep.shape[0], logits.shape[1]));
                var keptLabels = torch.gather(targets, 0, keep.view(-1));
                return nn.functional.cross_entropy(kept.view(-1, numLabels).to_type(ScalarType.Float32), keptLabels.view(-1));
            }
            case null:
            {
                CheckColumns(labels, numLabels, "soft labels");
                RequireFloat(labels, "soft labels");
                var logSoftmax = nn.functional.log_softmax(logits, -1);
                return -(logSoftmax * labels).sum(-1).mean();
            }
            case ProblemType.Regression:
                RequireFloat(labels, "problem_type regression");
                return numLabels == 1
                    ? nn.functional.mse_loss(logits.squeeze(), labels.squeeze())
                    : nn.functional.mse_loss(logits, CheckColumns(labels, numLabels, "regression targets"));
            case ProblemType.SingleLabelClassification:
            {
                var targets = SingleLabelTargets(labels, numLabels, allowNegative: false);
                return nn.functional.cross_entropy(logits.view(-1, numLabels), targets.view(-1));
            }
            case ProblemType.MultiLabelClassification:
                CheckColumns(labels, numLabels, "multi-label targets");
                RequireFloat(labels, "problem_type multi_label_classification");
                return nn.functional.binary_cross_entropy_with_logits(logits, labels);
            default:
                throw new InvalidOperationException($"Unknown problem_type {Config.ProblemType}.");
        }
    }

    private static Tensor SingleLabelTargets(Tensor labels, int numLabels, bool allowNegative)
    {
        if (labels.dim() > 2 || (labels.dim() == 2 && labels.shape[1] != 1))
            throw new ArgumentException($"Class labels must have shape [batch] or [batch, 1]; got [{ModelInputs.Shape(labels)}].", nameof(labels));
        // transformers calls labels.long(), so integral floats are accepted as classes.
        var targets = labels.is_floating_point() ? labels.to_type(ScalarType.Int64) : ModelInputs.AsInt64(labels, "labels", nameof(labels));
        targets = targets.view(-1);
        using Scalar count = numLabels.ToScalar(), ignored = (-100).ToScalar();   // see TorchScalars
        var tooLarge = targets.ge(count).any().item<bool>();
        var negative = targets.lt(TorchScalars.Zero);
        var badNegative = allowNegative ? false : negative.logical_and(targets.ne(ignored)).any().item<bool>();
        if (tooLarge || badNegative)
            throw new ArgumentException(
                $"labels must be class indices in 0…{numLabels - 1}{(allowNegative ? " (negative rows are ignored)" : " or −100")}.", nameof(labels));
        return targets;
    }

    private static Tensor CheckColumns(Tensor labels, int numLabels, string what)
    {
        if (labels.dim() != 2 || labels.shape[1] != numLabels)
            throw new ArgumentException($"{what} must have shape [batch, {numLabels}]; got [{ModelInputs.Shape(labels)}].", nameof(labels));
        return labels;
    }

    private static void RequireFloat(Tensor labels, string what)
    {
        if (!labels.is_floating_point())
            throw new ArgumentException($"Labels for {what} must be floating point; got dtype {labels.dtype}.", nameof(labels));
    }
}
