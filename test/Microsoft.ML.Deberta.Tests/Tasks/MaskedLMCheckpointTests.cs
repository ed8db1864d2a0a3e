using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;

namespace Microsoft.ML.Deberta.Tests.Tasks;

/// <summary>Fill-mask refuses a checkpoint without a trained masked-LM head instead of returning random output.</summary>
[TestClass]
public sealed class MaskedLMCheckpointTests
{
    [TestMethod]
    public void CheckpointWithoutMaskedLMHeadIsRefusedNamingTheKeys()
    {
        // A sequence classifier: backbone weights, no masked-LM head.
        string folder = GoldenData.Bundled("pipelines", "v3_seqcls");
        var error = Assert.ThrowsExactly<UntrainedHeadException>(() => MaskedLMCheckpoint.LoadTrained(folder));

        Assert.AreEqual(folder, error.Folder);
        CollectionAssert.Contains(error.MissingKeys.ToArray(), "cls.predictions.bias");
        CollectionAssert.Contains(error.MissingKeys.ToArray(), "cls.predictions.transform.dense.weight");
        StringAssert.Contains(error.Message, folder);
        StringAssert.Contains(error.Message, "cls.predictions.transform.dense.weight");
        StringAssert.Contains(error.Message, "lm_predictions.lm_head.*");
    }

    [TestMethod]
    [DataRow("models", "v1_rel_c2p_p2c", "mlm", true)]
    [DataRow("models", "v1_rel_c2p_p2c", "mlm_nonlegacy", false)]
    [DataRow("pipelines", "v3_mlm", "", true)]
    public void CheckpointWithEitherMaskedLMHeadLoads(string kind, string name, string head, bool legacy)
    {
        using var model = MaskedLMCheckpoint.LoadTrained(GoldenData.Bundled(kind, name, head));
        Assert.AreEqual(legacy, model.Config.Legacy);
    }

    [TestMethod]
    public void ReportWithoutNewHeadKeysPasses()
    {
        var report = new CheckpointLoadReport([], ["lm_predictions.lm_head.bias"], [], UsedLegacyMaskedLMHead: true);
        MaskedLMCheckpoint.ThrowIfHeadMissing("folder", report);
        var partial = new CheckpointLoadReport(["lm_predictions.lm_head.bias"], [], [], UsedLegacyMaskedLMHead: false);
        var error = Assert.ThrowsExactly<UntrainedHeadException>(() => MaskedLMCheckpoint.ThrowIfHeadMissing("folder", partial));
        CollectionAssert.AreEqual(new[] { "lm_predictions.lm_head.bias" }, error.MissingKeys.ToArray());
        StringAssert.Contains(error.Message, "lm_predictions.lm_head.bias is missing");
    }
}
