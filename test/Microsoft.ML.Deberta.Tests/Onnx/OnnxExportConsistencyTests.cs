using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// The exported graph, run by ONNX Runtime, against our TorchSharp model (itself parity-tested against transformers)
/// at several batch sizes and sequence lengths — including lengths past the relative-position span and past
/// max_position_embeddings where the config allows it — for every head and for config settings the golden
/// checkpoints do not use: both masked-LM heads (legacy and lm_predictions), token types, absolute positions, embed_proj, the conv layer, unshared position
/// projections, buckets off, a single relative term, gelu_new/relu/tanh activations.
/// </summary>
[TestClass]
[TestCategory("Parity")]
public sealed class OnnxExportConsistencyTests
{
    private const float Tolerance = 1e-4f;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void GoldenCheckpointsAgreeWithTorchSharpAtSeveralShapes()
    {
        foreach (var folder in GoldenOnnxFolders.FindAll())
        {
            using var scope = NewDisposeScope();
            var model = DebertaCheckpoint.Load(folder);
            // Lengths past max_position_embeddings (64): relative attention has no absolute-position limit.
            AssertAgrees(Path.GetFileName(folder), model, [(1, 7), (3, 33), (2, 80)]);
        }
    }

    [TestMethod]
    public void V2WithConvLayerTokenTypesAndAbsolutePositionsAgrees()
    {
        var config = Tiny(DebertaVersion.V2);
        config.ConvKernelSize = 3;
        config.ConvAct = ActivationFunction.GeluNew;
        config.TypeVocabSize = 2;
        config.PositionBiasedInput = true;
        config.EmbeddingSize = 24;
        config.ShareAttKey = false;
        config.HiddenAct = ActivationFunction.GeluNew;
        config.PoolerHiddenAct = ActivationFunction.Tanh;
        config.MaxRelativePositions = 32;
        config.PositionBuckets = 16;
        AssertEveryHeadAgrees("v2 conv+types+positions", config, [(1, 5), (3, 40), (2, 64)]);
    }

    [TestMethod]
    public void V2WithoutBucketsAndOnlyC2PAgrees()
    {
        var config = Tiny(DebertaVersion.V2);
        config.PositionBuckets = null;
        config.MaxRelativePositions = 12;
        config.PosAttType = ["c2p"];
        config.NormRelEbd = "none";
        config.Legacy = false;
        config.HiddenAct = ActivationFunction.Relu;
        AssertEveryHeadAgrees("v2 no buckets, c2p", config, [(2, 6), (3, 50)]);
    }

    [TestMethod]
    public void V1WithShortRelativeSpanAndTokenTypesAgrees()
    {
        var config = Tiny(DebertaVersion.V1);
        config.MaxRelativePositions = 8;
        config.TypeVocabSize = 2;
        config.PositionBiasedInput = true;
        AssertEveryHeadAgrees("v1 span 8, types", config, [(1, 3), (3, 30), (2, 64)]);
    }

    private static DebertaConfig Tiny(DebertaVersion version)
    {
        var config = new DebertaConfig(version)
        {
            VocabSize = 100, HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 37,
            MaxPositionEmbeddings = 64, RelativeAttention = true, PosAttType = ["p2c", "c2p"], PositionBiasedInput = false,
        };
        if (version == DebertaVersion.V2)
        {
            config.PositionBuckets = 8;
            config.ShareAttKey = true;
            config.NormRelEbd = "layer_norm";
        }
        return config;
    }

    private void AssertEveryHeadAgrees(string name, DebertaConfig config, (int Batch, int Length)[] shapes)
    {
        config.SetLabels(["a", "b", "c"]);
        using (var scope = NewDisposeScope())
        {
            AssertAgrees(name + " seqcls", new DebertaForSequenceClassification(config, seed: 3), shapes);
            AssertAgrees(name + " tokencls", new DebertaForTokenClassification(config, seed: 4), shapes);
            AssertAgrees(name + " model", new DebertaModel(config, seed: 5), shapes);
            AssertAgrees(name + (config.Legacy ? " mlm (cls.predictions)" : " mlm (lm_predictions)"), new DebertaForMaskedLM(config, seed: 7), shapes);
        }
        var qa = config.Clone();
        qa.SetLabels(["start", "end"]);
        using (var scope = NewDisposeScope())
            AssertAgrees(name + " qa", new DebertaForQuestionAnswering(qa, seed: 6), shapes);
    }

    // Exports the model, scores random batches (the last row half padding) with ORT and with TorchSharp, compares every output.
    private void AssertAgrees(string name, DebertaPreTrainedModel model, (int Batch, int Length)[] shapes)
    {
        model.eval();
        using var session = new InferenceSession(DebertaOnnxExporter.ExportToBytes(model));
        var generator = new torch.Generator(11);
        int compared = 0;
        float worst = 0;
        foreach (var (batch, length) in shapes)
        {
            using var scope = NewDisposeScope();
            var inputs = OnnxRuntimeRun.RandomInputs(model.Config, batch, length, generator);
            foreach (var (output, expected) in Expected(model, inputs["input_ids"], inputs["attention_mask"], inputs["token_type_ids"]))
            {
                var (actual, shape) = OnnxRuntimeRun.Run(session, inputs, output);
                CollectionAssert.AreEqual(expected.shape, shape, $"{name}: shape of '{output}' at batch {batch}, length {length}");
                float delta = OnnxRuntimeRun.MaxAbsDifference(actual, expected);
                Assert.IsLessThanOrEqualTo(Tolerance, delta, $"{name}: '{output}' at batch {batch}, length {length}: max |Δ| {delta:G3}");
                worst = Math.Max(worst, delta);
                compared++;
            }
        }
        TestContext.WriteLine($"onnx {name}: {compared} outputs compared, max |Δ| {worst:G3}");
    }

    /// <summary>The TorchSharp model's outputs under the exported graph's output names.</summary>
    internal static IEnumerable<(string Name, Tensor Value)> Expected(DebertaPreTrainedModel model, Tensor ids, Tensor mask, Tensor types)
    {
        var typeIds = model.Config.TypeVocabSize > 0 ? types : null;
        switch (model)
        {
            case DebertaForSequenceClassification m:
                yield return ("logits", m.Predict(ids, mask, typeIds).Logits);
                break;
            case DebertaForTokenClassification m:
                yield return ("logits", m.Predict(ids, mask, typeIds).Logits);
                break;
            case DebertaForQuestionAnswering m:
                var qa = m.Predict(ids, mask, typeIds);
                yield return ("start_logits", qa.StartLogits);
                yield return ("end_logits", qa.EndLogits);
                break;
            case DebertaForMaskedLM m:
                yield return ("logits", m.Predict(ids, mask, typeIds).Logits);
                break;
            case DebertaModel m:
                yield return ("last_hidden_state", m.Predict(ids, mask, typeIds).LastHiddenState);
                break;
            default:
                throw new AssertFailedException($"No expectation for {model.GetType().Name}.");
        }
    }
}
