using Microsoft.ML.Deberta.AutoML;

namespace Microsoft.ML.Deberta.Tests.AutoML;

/// <summary>Random, grid and cost-frugal tuners: seeded and reproducible, the grid complete, CFO starting cheap and improving.</summary>
[TestClass]
public sealed class TunerTests
{
    private static readonly HyperparameterSpace Space = DebertaSearchSpaces.FromScratch();

    // A smooth loss with its minimum inside the cube, standing in for a model's validation loss.
    private static double Loss(Parameter p) =>
        Math.Pow(Math.Log10(p.GetNumber("LearningRate")) + 2.7, 2) + Math.Pow(p.GetNumber("WarmupRatio") - 0.05, 2) * 10 + Math.Pow(p.GetNumber("Epochs") - 5, 2) * 0.1;

    private static List<string> Sweep(ITuner tuner, int trials)
    {
        var proposals = new List<string>();
        for (int id = 0; id < trials; id++)
        {
            var p = tuner.Propose(id);
            if (p is null) break;
            proposals.Add(p.ToJson());
            tuner.Update(id, p, Loss(p), 1);
        }
        return proposals;
    }

    [TestMethod]
    public void EachTunerIsReproducibleFromItsSeed()
    {
        foreach (var make in new Func<int, ITuner>[] { s => new RandomSearchTuner(Space, s), s => new CostFrugalTuner(Space, s), s => new GridSearchTuner(Space, 3, s) })
        {
            var first = Sweep(make(5), 25);
            CollectionAssert.AreEqual(first, Sweep(make(5), 25), make(5).GetType().Name);
            CollectionAssert.AreNotEqual(first, Sweep(make(6), 25), make(5).GetType().Name + ": another seed, another sequence");
            Assert.AreEqual(Space.Default.ToJson(), first[0], "every tuner starts at the default point");
        }
    }

    [TestMethod]
    public void TheGridVisitsEveryPointOnce()
    {
        var space = HyperparameterSpace.FromOptions<DebertaSearchOptions>()
            .With(new ChoiceDimension("Model", [ScratchModelSizes.Tiny]))
            .With(new ChoiceDimension("MaxLength", [64]))
            .With(new ChoiceDimension("BatchSize", [8, 16]))
            .With(new NumericDimension("Epochs", 1, 2, 1, isInteger: true));
        var grid = new GridSearchTuner(space, steps: 2, seed: 1);
        var all = Sweep(grid, 1000);
        // BatchSize 2 × Epochs 2 × LearningRate 2 × WarmupRatio 2 × WeightDecay 2, plus the default point.
        Assert.AreEqual(grid.Count, all.Count);
        Assert.AreEqual(all.Count, all.Distinct().Count(), "no point twice");
        Assert.AreEqual(33, all.Count, string.Join("\n", all));
        Assert.IsNull(grid.Propose(1000), "a finished grid proposes nothing");
    }

    [TestMethod]
    public void CostFrugalSearchImprovesOnItsStart()
    {
        var tuner = new CostFrugalTuner(Space, 11);
        var losses = new List<double>();
        for (int id = 0; id < 60; id++)
        {
            var p = tuner.Propose(id)!;
            losses.Add(Loss(p));
            tuner.Update(id, p, losses[^1], 1);
        }
        Assert.IsLessThan(losses[0] * 0.5, losses.Min(), $"start {losses[0]:F3}, best {losses.Min():F3}");
        // Random search with the same number of trials, for scale: CFO should not be worse than chance by much.
        var random = new RandomSearchTuner(Space, 11);
        double randomBest = Enumerable.Range(0, 60).Select(id => Loss(random.Propose(id)!)).Min();
        Assert.IsLessThan(randomBest * 2 + 0.05, losses.Min(), $"CFO {losses.Min():F4}, random {randomBest:F4}");
    }

    [TestMethod]
    public void AFailedTrialDoesNotStopTheSearch()
    {
        var tuner = new CostFrugalTuner(Space, 2);
        var first = tuner.Propose(0)!;
        tuner.Update(0, first, double.PositiveInfinity, 1);
        var next = tuner.Propose(1);
        Assert.IsNotNull(next);
        Assert.AreNotEqual(first.ToJson(), next.ToJson());
    }
}
