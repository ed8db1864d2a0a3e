using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// DeBERTa's own masked-LM head (keys <c>lm_predictions.lm_head.*</c>, the head Microsoft's checkpoints hold; used when
/// <c>legacy</c> is false): LayerNorm(act(dense(h))) @ word_embeddingsᵀ + bias. This class is the
/// <c>lm_predictions</c> module; it owns <c>lm_head</c>.
/// </summary>
internal sealed class DebertaMaskedLMHead : nn.Module
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly PredictionHead lm_head;
#pragma warning restore IDE1006

    public DebertaMaskedLMHead(DebertaConfig config)
        : base(nameof(DebertaMaskedLMHead))
    {
        lm_head = new PredictionHead(config);
        RegisterComponents();
    }

    public Tensor Forward(Tensor hidden, Tensor wordEmbeddings) => lm_head.Forward(hidden, wordEmbeddings);

    /// <summary><c>lm_predictions.lm_head</c>: <c>dense</c> (D → D), <c>LayerNorm</c> (D), <c>bias</c> (V).</summary>
    private sealed class PredictionHead : nn.Module
    {
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
        private readonly Linear dense;
        private readonly LayerNorm LayerNorm;
        private readonly Parameter bias;
#pragma warning restore IDE1006
        private readonly ActivationFunction activation;

        public PredictionHead(DebertaConfig config)
            : base(nameof(PredictionHead))
        {
            dense = nn.Linear(config.HiddenSize, config.HiddenSize);
            LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
            bias = new Parameter(torch.zeros(config.VocabSize));
            activation = config.HiddenAct;
            RegisterComponents();
        }

        public Tensor Forward(Tensor hidden, Tensor wordEmbeddings)
        {
            using var scope = NewDisposeScope();
            var x = LayerNorm.forward(Activation.Apply(activation, PointwiseConvolution.Linear(dense, hidden)));
            // A separate product and bias add, as transformers computes it (matmul with the table, then + bias).
            return PointwiseConvolution.Linear(x, wordEmbeddings, null).Plus(bias).MoveToOuterDisposeScope();
        }
    }
}
