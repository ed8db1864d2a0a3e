using System.Text.Json.Nodes;
using Microsoft.ML.Deberta.AutoML;
using Microsoft.ML.SearchSpace;

namespace Microsoft.ML.Deberta.Tests.AutoML;

/// <summary>Search spaces read from ML.NET's attributes, their unit-cube mapping, the JSON parameter form, and bad ranges.</summary>
[TestClass]
public sealed class HyperparameterSpaceTests
{
    private sealed class MinAboveMax
    {
        [Range(5, 1)]
        public int Epochs = 1;
    }

    private sealed class LogFromZero
    {
        [Range(0.0, 1e-3, 1e-4, true)]
        public double LearningRate = 1e-4;
    }

    private sealed class Flags
    {
        [BooleanChoice(true)]
        public bool UseSomething = true;

        [Choice(new object[] { "only" })]
        public string Fixed = "";
    }

    [TestMethod]
    public void TheDefaultSpaceComesFromTheAttributes()
    {
        var space = HyperparameterSpace.FromOptions<DebertaSearchOptions>();
        CollectionAssert.AreEqual(
            new[] { "BatchSize", "Epochs", "LearningRate", "MaxLength", "Model", "WarmupRatio", "WeightDecay" },
            space.Dimensions.Select(d => d.Name).ToArray());
        Assert.AreEqual(7, space.UnitDimensions);
        var lr = (NumericDimension)space["LearningRate"];
        Assert.IsTrue(lr.LogScale);
        Assert.AreEqual(1e-5, lr.Min);
        Assert.AreEqual(1e-4, lr.Max);
        Assert.AreEqual(3e-5, lr.Init);
        Assert.IsTrue(((NumericDimension)space["Epochs"]).IsInteger);
        Assert.AreEqual("""{"BatchSize":16,"Epochs":2,"LearningRate":3E-05,"MaxLength":128,"Model":"scratch-tiny","WarmupRatio":0.1,"WeightDecay":0.01}""",
            space.Default.ToJson());
    }

    [TestMethod]
    public void NumbersMapLinearlyOrOnALogScale_ChoicesToBuckets()
    {
        var log = new NumericDimension("lr", 1e-5, 1e-3, logScale: true);
        Assert.AreEqual(1e-4, Parameter.AsNumber(log.FromUnit(0.5))!.Value, 1e-12, "the middle of a log range is the geometric mean");
        Assert.AreEqual(0.5, log.ToUnit(JsonValue.Create(1e-4)), 1e-12);
        var linear = new NumericDimension("w", 0, 0.2);
        Assert.AreEqual(0.05, Parameter.AsNumber(linear.FromUnit(0.25))!.Value, 1e-12);
        var integers = new NumericDimension("e", 1, 4, isInteger: true);
        CollectionAssert.AreEqual(new long[] { 1, 1, 2, 3, 4, 4 },
            new[] { 0.0, 0.24, 0.26, 0.6, 0.76, 1.0 }.Select(u => integers.FromUnit(u).GetValue<long>()).ToArray(), "equal buckets per integer");
        var choice = new ChoiceDimension("b", [8, 16, 32], 16);
        CollectionAssert.AreEqual(new long[] { 8, 16, 32 }, new[] { 0.1, 0.5, 0.99 }.Select(u => (long)Parameter.AsNumber(choice.FromUnit(u))!.Value).ToArray());
        Assert.AreEqual(0.5, choice.ToUnit(JsonValue.Create(16)), 1e-12, "the centre of its bucket");
    }

    [TestMethod]
    public void APointRoundTripsThroughTheUnitCubeAndJson()
    {
        var space = DebertaSearchSpaces.FromScratch();
        var random = new Random(3);
        for (int i = 0; i < 20; i++)
        {
            var parameter = space.FromUnit([.. Enumerable.Range(0, space.UnitDimensions).Select(_ => random.NextDouble())]);
            var again = space.FromUnit(space.ToUnit(Parameter.FromJson(parameter.ToJson())));
            Assert.AreEqual(parameter.ToJson(), again.ToJson());
        }
    }

    [TestMethod]
    public void BooleanAndSingleChoices()
    {
        var space = HyperparameterSpace.FromOptions<Flags>();
        Assert.AreEqual(1, space.UnitDimensions, "a single choice is fixed: no dimension");
        Assert.AreEqual("""{"Fixed":"only","UseSomething":true}""", space.Default.ToJson());
        var options = new Flags();
        HyperparameterSpace.ApplyTo(options, space.FromUnit([0.1]));
        Assert.IsFalse(options.UseSomething);
        Assert.AreEqual("only", options.Fixed);
    }

    [TestMethod]
    public void BadRangesFailWithTheOptionNamed()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => HyperparameterSpace.FromOptions<MinAboveMax>());
        StringAssert.Contains(e.Message, "'Epochs'");
        StringAssert.Contains(e.Message, "min 5 > max 1");
        e = Assert.ThrowsExactly<ArgumentException>(() => HyperparameterSpace.FromOptions<LogFromZero>());
        StringAssert.Contains(e.Message, "'LearningRate'");
        StringAssert.Contains(e.Message, "log-scale range needs min > 0");
        e = Assert.ThrowsExactly<ArgumentException>(() => new NumericDimension("x", 1, 2, init: 3));
        StringAssert.Contains(e.Message, "outside [1, 2]");
        e = Assert.ThrowsExactly<ArgumentException>(() => new ChoiceDimension("b", [8, 8]));
        StringAssert.Contains(e.Message, "twice");
        e = Assert.ThrowsExactly<ArgumentException>(() => DebertaSearchSpaces.FromScratch("huge"));
        StringAssert.Contains(e.Message, "'huge' is not a from-scratch size");
        Assert.ThrowsExactly<FormatException>(() => Parameter.FromJson("[1,2]"));
    }
}
