using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// The one-copy loading route that fine-tuning starts from gives the very weights of the seeded model with the
/// checkpoint copied into it (the route it replaced): the checkpoint's where kept, the seed's for a new head.
/// </summary>
[TestClass]
public sealed class FitStartWeightsTests
{
    [TestMethod]
    [DataRow("seqcls", false, DisplayName = "kept head")]
    [DataRow("seqcls", true, DisplayName = "reinitialised head")]
    [DataRow("base", true, DisplayName = "backbone checkpoint, new head")]
    public void LoadingRouteGivesTheSeededModelWithTheCheckpointCopiedIn(string head, bool newHead)
    {
        using var folder = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", head, withTokenizer: false);
        var config = DebertaConfig.Load(folder.Path);
        const int seed = 11;
        bool Skip(string key) => newHead && key.StartsWith("classifier.", StringComparison.Ordinal);

        var (loaded, report) = DebertaCheckpoint.LoadWeights(folder.Path, typeof(DebertaForSequenceClassification), config, seed, legacy: null,
            newHead ? Skip : null);
        using var viaLoader = loaded;
        using var seededThenCopied = new DebertaForSequenceClassification(config, seed);
        var stateDict = CheckpointFiles.ReadStateDict(folder.Path);
        try
        {
            var oldReport = seededThenCopied.LoadStateDict(stateDict.Where(p => !Skip(p.Key)).ToDictionary(p => p.Key, p => p.Value));
            CollectionAssert.AreEqual(oldReport.NewlyInitializedKeys.ToList(), report.NewlyInitializedKeys.ToList());
        }
        finally
        {
            foreach (var tensor in stateDict.Values) tensor.Dispose();
        }

        Assert.AreEqual(newHead, report.NewlyInitializedKeys.Any(k => k.StartsWith("classifier.", StringComparison.Ordinal)));
        var expected = seededThenCopied.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in viaLoader.named_parameters())
        {
            Assert.IsTrue(parameter.Identical(expected[name]), $"{name} differs from the seeded model with the checkpoint copied in");
            Assert.IsTrue(parameter.requires_grad, $"{name} stays trainable");
        }
    }
}
