using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>
/// What the golden run cannot show: its gradient norms stay below the clipping threshold, and weight decay moves the
/// few stored parameters too little to tell which groups it applies to.
/// </summary>
[TestClass]
public sealed class FineTuningOptimizerTests
{
    private static void SetGradients(DebertaForSequenceClassification model, Func<Tensor, Tensor> gradient)
    {
        foreach (var p in model.parameters())
            p.grad = gradient(p).detach();
    }

    [TestMethod]
    public void WeightDecaySkipsBiasesAndLayerNorms()
    {
        using var scope = NewDisposeScope();
        using var model = ToyTask.Model();
        var before = ToyTask.Weights(model);
        // Constant rate 0.1 (no warm-up, a long run); zero gradients leave Adam's update at 0, so only decay moves weights.
        using var optimizer = new FineTuningOptimizer(model.named_parameters(), new LinearWarmupDecaySchedule(0.1, 0, 1_000_000), weightDecay: 0.5);
        SetGradients(model, p => torch.zeros_like(p));
        optimizer.Step();
        var exempt = new List<string>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            bool isExempt = name.Contains("bias") || name.Contains("LayerNorm");
            var expected = isExempt ? before[name] : before[name] * (float)(1 - 0.1 * 0.5);
            Assert.IsTrue(torch.allclose(parameter, expected, rtol: 1e-6, atol: 0), $"{name} (exempt: {isExempt})");
            if (isExempt) exempt.Add(name);
        }
        Assert.IsTrue(exempt.Any(n => n.EndsWith("LayerNorm.weight", StringComparison.Ordinal)));
        Assert.IsTrue(exempt.Any(n => n.EndsWith(".bias", StringComparison.Ordinal)));
        Assert.IsTrue(model.named_parameters().Any(p => !FineTuningOptimizer.IsExemptFromWeightDecay(p.name)));
        ToyTask.Dispose(before);
    }

    [TestMethod]
    public void GradientsAreClippedToTheMaximumNorm()
    {
        using var scope = NewDisposeScope();
        using var model = ToyTask.Model();
        using var optimizer = new FineTuningOptimizer(model.named_parameters(), new LinearWarmupDecaySchedule(1e-3, 0, 10), maxGradNorm: 0.5);
        SetGradients(model, p => torch.full_like(p, 0.01));
        long count = model.parameters().Sum(p => p.numel());
        double expectedNorm = 0.01 * Math.Sqrt(count);
        var result = optimizer.Step();
        Assert.AreEqual(expectedNorm, result.GradientNorm, expectedNorm * 1e-5, "the norm before clipping");
        Assert.AreEqual(1e-3, result.LearningRate);
        double clipped = Math.Sqrt(model.parameters().Sum(p => p.grad!.pow(2).sum().item<float>()));
        Assert.AreEqual(0.5, clipped, 1e-5, "clip_grad_norm_ scales to max / (norm + 1e-6)");

        // Below the threshold the gradients stay as they are.
        SetGradients(model, p => torch.full_like(p, 1e-5));
        optimizer.Step();
        Assert.IsTrue(model.parameters().All(p => torch.allclose(p.grad!, torch.full_like(p, 1e-5), rtol: 1e-6, atol: 0)));
    }

    [TestMethod]
    public void NonFiniteGradientsThrowWithoutChangingParameters()
    {
        using var scope = NewDisposeScope();
        using var model = ToyTask.Model();
        var before = ToyTask.Weights(model);
        using var optimizer = new FineTuningOptimizer(model.named_parameters(), new LinearWarmupDecaySchedule(1e-3, 0, 10));
        SetGradients(model, p => torch.full_like(p, float.NaN));
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => optimizer.Step());
        StringAssert.Contains(e.Message, "NaN");
        Assert.IsTrue(ToyTask.SameWeights(model, before));
        Assert.AreEqual(0, optimizer.StepsTaken);
        ToyTask.Dispose(before);
    }

    [TestMethod]
    public void ScheduleWarmsUpThenDecaysToZero()
    {
        var schedule = new LinearWarmupDecaySchedule(1e-3, LinearWarmupDecaySchedule.WarmupStepsFromRatio(0.1, 25), 25);
        Assert.AreEqual(3, schedule.WarmupSteps, "⌈0.1 × 25⌉");
        Assert.AreEqual(0.0, schedule.LearningRateAt(0));
        Assert.AreEqual(1e-3 * (2.0 / 3), schedule.LearningRateAt(2));
        Assert.AreEqual(1e-3, schedule.LearningRateAt(3));
        Assert.AreEqual(1e-3 * (1.0 / 22), schedule.LearningRateAt(24));
        Assert.AreEqual(0.0, schedule.LearningRateAt(25));
    }
}
