using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta.Tests.MLNet;

[TestClass]
public sealed class DebertaCatalogTests
{
    [TestMethod]
    public void ExtensionPropertyAndMethodGiveOneCatalogPerContext()
    {
        var first = new MLContext(seed: 1);
        var second = new MLContext(seed: 1);
        var once = first.Transforms.Deberta;
        var again = first.Transforms.Deberta;
        Assert.AreSame(once, again);
        Assert.AreSame(first.Transforms.Deberta, first.Deberta());
        Assert.AreNotSame(first.Transforms.Deberta, second.Transforms.Deberta);
    }

    // Guards the one reflection into ML.NET: if a Microsoft.ML update renames TransformsCatalog._env, this fails first.
    [TestMethod]
    public void CatalogEnvironmentIsReadFromTransformsCatalogsPrivateField()
    {
        var mlContext = new MLContext(seed: 1);
        var environment = CatalogEnvironment.Read(mlContext.Transforms);
        Assert.IsNotNull(environment);
        Assert.AreSame(environment, CatalogEnvironment.Read(mlContext.Transforms.Conversion), "every catalog of a context holds the same environment");
        Assert.AreSame(environment, mlContext.Transforms.Deberta.Environment);
    }

    [TestMethod]
    public void ACatalogWithoutTheFieldGivesAnExplanation()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => CatalogEnvironment.Read(new object()));
        StringAssert.Contains(e.Message, "'_env'");
        StringAssert.Contains(e.Message, "mlContext.Deberta()");
        StringAssert.Contains(e.Message, "Microsoft.ML 5.0");
    }

    [TestMethod]
    public void ChannelMessagesReachMLContextLog()
    {
        var mlContext = new MLContext(seed: 1);
        var messages = new List<string>();
        mlContext.Log += (_, e) => messages.Add(e.Message);
        using (var channel = mlContext.Transforms.Deberta.StartChannel("Test"))
            channel.Info(MessageSensitivity.None, "hello from Microsoft.ML.Deberta");
        Assert.IsTrue(messages.Any(m => m.Contains("hello from Microsoft.ML.Deberta")), string.Join("\n", messages));
    }

    [TestMethod]
    public void SeedsFollowTheContextSeed()
    {
        static int[] Seeds(int? seed)
        {
            var catalog = new MLContext(seed).Transforms.Deberta;
            return [catalog.NextSeed(), catalog.NextSeed(), catalog.NextSeed()];
        }
        CollectionAssert.AreEqual(Seeds(42), Seeds(42), "same context seed, same seeds");
        CollectionAssert.AreNotEqual(Seeds(42), Seeds(43), "another context seed, other seeds");
        Assert.AreEqual(3, Seeds(42).Distinct().Count(), "successive seeds differ");
    }

    [TestMethod]
    public void EstimatorWithoutSeedDrawsItFromTheContext()
    {
        static int SeedSeen(int contextSeed)
        {
            var mlContext = new MLContext(contextSeed);
            var trainer = new FakeModel.FakeTextTrainer();
            var settings = TestModels.Classification() with { Seed = null };
            TestModels.ClassificationPipeline(mlContext, trainer, settings).Fit(TestRows.View(mlContext, 9));
            return trainer.LastContext!.Seed;
        }
        Assert.AreEqual(SeedSeen(5), SeedSeen(5));
        Assert.AreNotEqual(SeedSeen(5), SeedSeen(6));
    }
}
