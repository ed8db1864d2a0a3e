using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// The BERT-style masked-LM head transformers builds when <c>legacy</c> is true (keys <c>cls.predictions.*</c>):
/// LayerNorm(act(dense(h))) with dense D → E, then a Linear decoder whose weight is the word embedding table and whose
/// bias is <c>cls.predictions.bias</c>. This class is the <c>cls</c> module; it owns <c>predictions</c>.
/// </summary>
internal sealed class LegacyMaskedLMHead : nn.Module
{
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
    private readonly LegacyPredictionHead predictions;
#pragma warning restore IDE1006

    public LegacyMaskedLMHead(DebertaConfig config)
        : base(nameof(LegacyMaskedLMHead))
    {
        predictions = new LegacyPredictionHead(config);
        RegisterComponents();
    }

    public Tensor Forward(Tensor hidden, Tensor wordEmbeddings) => predictions.Forward(hidden, wordEmbeddings);

    /// <summary><c>cls.predictions</c>: <c>transform.*</c> and <c>bias</c> (the decoder weight is tied, so not a key here).</summary>
    private sealed class LegacyPredictionHead : nn.Module
    {
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
        private readonly PredictionHeadTransform transform;
        private readonly Parameter bias;
#pragma warning restore IDE1006

        public LegacyPredictionHead(DebertaConfig config)
            : base(nameof(LegacyPredictionHead))
        {
            transform = new PredictionHeadTransform(config);
            bias = new Parameter(torch.zeros(config.VocabSize));
            RegisterComponents();
        }

        public Tensor Forward(Tensor hidden, Tensor wordEmbeddings)
        {
            using var scope = NewDisposeScope();
            // transformers ties decoder.bias to this bias, so the decoder is one fused linear.
            return PointwiseConvolution.Linear(transform.forward(hidden), wordEmbeddings, bias).MoveToOuterDisposeScope();
        }
    }

    /// <summary><c>cls.predictions.transform</c>: <c>dense</c> (D → E) and <c>LayerNorm</c> (E).</summary>
    private sealed class PredictionHeadTransform : nn.Module<Tensor, Tensor>
    {
#pragma warning disable IDE1006 // Field names are the checkpoint keys.
        private readonly Linear dense;
        private readonly LayerNorm LayerNorm;
#pragma warning restore IDE1006
        private readonly ActivationFunction activation;

        public PredictionHeadTransform(DebertaConfig config)
            : base(nameof(PredictionHeadTransform))
        {
            dense = nn.Linear(config.HiddenSize, config.EffectiveEmbeddingSize);
            LayerNorm = nn.LayerNorm(config.EffectiveEmbeddingSize, config.LayerNormEps);
            activation = config.HiddenAct;
            RegisterComponents();
        }

        public override Tensor forward(Tensor hidden)
        {
            using var scope = NewDisposeScope();
            var x = Activation.Apply(activation, PointwiseConvolution.Linear(dense, hidden));
            return LayerNorm.forward(x).MoveToOuterDisposeScope();
        }
    }
}
