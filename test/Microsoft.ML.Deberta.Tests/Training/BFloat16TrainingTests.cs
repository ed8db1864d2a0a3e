using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tests.Modeling;
using Microsoft.ML.Deberta.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>
/// Mixed-precision training (<see cref="DebertaModel.AutocastPrecision"/>, <see cref="SequenceClassificationTrainingOptions.TrainingPrecision"/>)
/// against float32, piece by piece: the forward pass and the gradients of the float32 master weights, the split of
/// what computes in bfloat16 (the same as bfloat16 inference's), and a trainer run.
/// </summary>
/// <remarks>
/// Bounds: the hidden states get the bound of bfloat16 inference (0.03 on unit-scale values, BFloat16InferenceTests;
/// measured 0.010–0.015 here); the others are about 4–5 times the largest difference measured on these models: the
/// loss of a fresh three-class head (≈ ln 3) moved by at most 1.1e-6, the whole gradient by 2.5e-4 of its norm.
/// </remarks>
[TestClass]
public sealed class BFloat16TrainingTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(DebertaVersion.V1, false)]
    [DataRow(DebertaVersion.V1, true)]
    [DataRow(DebertaVersion.V2, false)]
    public void ATrainingForwardAndItsGradientsStayCloseToFloat32AndTheWeightsStayFloat32(DebertaVersion version, bool talkingHead)
    {
        using var scope = NewDisposeScope();
        using var model = new DebertaForSequenceClassification(Config(version, talkingHead), seed: 5);
        model.train();
        var (ids, mask) = BFloat16InferenceTests.PaddedBatch();
        var labels = torch.tensor(new long[] { 0, 2, 1 });

        var float32 = TrainingPass(model, DebertaPrecision.Float32, ids, mask, labels);
        var bfloat16 = TrainingPass(model, DebertaPrecision.BFloat16, ids, mask, labels);

        Assert.IsTrue(model.parameters().All(p => p.dtype == ScalarType.Float32), "the master weights stay float32");
        Assert.IsTrue(bfloat16.Gradients.Values.All(g => g.dtype == ScalarType.Float32), "their gradients are float32");
        Assert.AreEqual(ScalarType.Float32, bfloat16.Hidden.dtype);
        Assert.AreEqual(ScalarType.Float32, bfloat16.Logits.dtype);
        AssertClose("last hidden state", bfloat16.Hidden, float32.Hidden, 0.03);
        AssertClose("loss", bfloat16.Loss, float32.Loss, 5e-6);

        // Relative error of the whole gradient, ‖g_bf16 − g_fp32‖ / ‖g_fp32‖ over every parameter.
        var difference = torch.cat(float32.Gradients.Keys.Select(k => (bfloat16.Gradients[k] - float32.Gradients[k]).flatten()).ToArray());
        var reference = torch.cat(float32.Gradients.Values.Select(g => g.flatten()).ToArray());
        double relative = (difference.norm() / reference.norm()).item<float>();
        TestContext.WriteLine($"bf16 training {version}{(talkingHead ? " talking heads" : "")}: gradient relative error {relative:E2}");
        Assert.IsLessThanOrEqualTo(1e-3, relative, $"gradient relative error {relative}");
        // Every encoder product's weight gradient moved: each product ran in bfloat16.
        foreach (var (name, gradient) in bfloat16.Gradients.Where(g => IsEncoderProductWeight(g.Key)))
            Assert.IsFalse(gradient.Identical(float32.Gradients[name]), $"{name}: the same gradient as float32, so its product did not run in bfloat16");
    }

    [TestMethod]
    [DataRow(DebertaVersion.V1, true)]
    [DataRow(DebertaVersion.V2, false)]
    public void ComputingInBFloat16FromFloat32WeightsEqualsTheConvertedInferenceModel(DebertaVersion version, bool talkingHead)
    {
        // The same roundings in the same places: casting on the fly reproduces bfloat16 inference bit for bit.
        using var scope = NewDisposeScope();
        using var autocast = new DebertaForSequenceClassification(Config(version, talkingHead), seed: 8);
        using var converted = new DebertaForSequenceClassification(Config(version, talkingHead), seed: 8);
        autocast.Backbone.AutocastPrecision = DebertaPrecision.BFloat16;
        converted.ConvertForInference(DebertaPrecision.BFloat16);
        var (ids, mask) = BFloat16InferenceTests.PaddedBatch();

        using var expected = converted.Predict(ids, mask, outputHiddenStates: true);
        using var actual = autocast.Predict(ids, mask, outputHiddenStates: true);

        Assert.AreEqual(DebertaPrecision.Float32, autocast.Precision, "no weight was converted");
        for (int i = 0; i < expected.HiddenStates!.Count; i++)
            Assert.IsTrue(actual.HiddenStates![i].Identical(expected.HiddenStates[i]), $"hidden_states.{i}");
        Assert.IsTrue(actual.Logits.Identical(expected.Logits), "logits");
    }

    [TestMethod]
    public void TheTrainerComputesInBFloat16ForTheRunOnlyAndLeavesFloat32Weights()
    {
        var (train, targets) = ToyTask.Classification(48, seed: 9);
        List<double> Losses(DebertaPrecision precision, out DebertaForSequenceClassification model)
        {
            model = ToyTask.Model(dropout: 0.1, seed: 4);
            var options = new SequenceClassificationTrainingOptions { BatchSize = 8, Epochs = 2, LearningRate = 5e-3, Seed = 3, TrainingPrecision = precision };
            var result = new SequenceClassificationTrainer(options).Train(model, train, targets);
            return [.. result.Epochs.Select(e => e.TrainingLoss)];
        }

        var float32 = Losses(DebertaPrecision.Float32, out var float32Model);
        var bfloat16 = Losses(DebertaPrecision.BFloat16, out var bfloat16Model);
        using (float32Model)
        using (bfloat16Model)
        {
            TestContext.WriteLine($"epoch losses fp32 {string.Join(", ", float32.Select(l => l.ToString("R")))}; bf16 {string.Join(", ", bfloat16.Select(l => l.ToString("R")))}");
            Assert.AreEqual(DebertaPrecision.Float32, bfloat16Model.Backbone.AutocastPrecision, "the run's compute precision ends with the run");
            Assert.IsTrue(bfloat16Model.parameters().All(p => p.dtype == ScalarType.Float32), "the trained weights are float32");
            CollectionAssert.AreNotEqual(float32, bfloat16, "the same losses as float32: bfloat16 compute did not happen");
            // Epoch mean losses of the toy task (≈ ln 2): measured max |Δ| 2.3e-7.
            for (int i = 0; i < float32.Count; i++)
                Assert.IsLessThanOrEqualTo(2e-6, Math.Abs(float32[i] - bfloat16[i]), $"epoch {i + 1}: loss {bfloat16[i]} vs float32 {float32[i]}");
        }
    }

    [TestMethod]
    public void AnUndefinedTrainingPrecisionIsRefusedBeforeTraining()
    {
        var options = new SequenceClassificationTrainingOptions { TrainingPrecision = (DebertaPrecision)5 };
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SequenceClassificationTrainer(options));
        StringAssert.Contains(error.Message, "training precision must be Float32 or BFloat16");
    }

    private sealed record Pass(Tensor Hidden, Tensor Logits, Tensor Loss, Dictionary<string, Tensor> Gradients);

    private static Pass TrainingPass(DebertaForSequenceClassification model, DebertaPrecision precision, Tensor ids, Tensor mask, Tensor labels)
    {
        model.Backbone.AutocastPrecision = precision;
        model.zero_grad();
        var output = model.Forward(ids, mask, labels: labels, outputHiddenStates: true);
        output.Loss!.backward();
        var gradients = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        model.Backbone.AutocastPrecision = DebertaPrecision.Float32;
        return new Pass(output.HiddenStates![^1].detach(), output.Logits.detach(), output.Loss.detach(), gradients);
    }

    private void AssertClose(string what, Tensor actual, Tensor expected, double bound)
    {
        double difference = (actual - expected).abs().max().item<float>();
        TestContext.WriteLine($"bf16 training {what}: max |Δ| {difference:E2} (bound {bound})");
        Assert.IsLessThanOrEqualTo(bound, difference, $"{what}: max |Δ| {difference:E3}");
        Assert.IsGreaterThan(0.0, difference, $"{what}: identical to float32, so bfloat16 was not used");
    }

    // The encoder's product weights (not LayerNorms, biases, talking-head mixes, tables or the head).
    private static bool IsEncoderProductWeight(string key) =>
        key.StartsWith("deberta.encoder.layer.", StringComparison.Ordinal) && key.EndsWith("weight", StringComparison.Ordinal)
        && !key.Contains("LayerNorm", StringComparison.Ordinal) && !key.Contains("head_", StringComparison.Ordinal);

    // bfloat16 inference's test models, without dropout so that both passes see the same network.
    private static DebertaConfig Config(DebertaVersion version, bool talkingHead)
    {
        var config = BFloat16InferenceTests.Config(version, talkingHead);
        config.HiddenDropoutProb = 0;
        config.AttentionProbsDropoutProb = 0;
        return config;
    }
}
