using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tests.Parity;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Checkpoints;

/// <summary>
/// A checkpoint of another head loads with transformers' warnings (in the report and the log hook), fails under
/// <see cref="CheckpointLoadOptions.Strict"/>, and a checkpoint of the model's own head loads without a word.
/// </summary>
[TestClass]
public sealed class HeadMismatchWarningTests
{
    // Every golden variant that holds the heads a test needs.
    private static List<string> Variants(params string[] heads)
    {
        var variants = Directory.GetDirectories(Path.Combine(GoldenModelFolder.Root, "models"))
            .Where(v => heads.All(h => File.Exists(Path.Combine(v, h, "config.json")))).OrderBy(v => v, StringComparer.Ordinal).ToList();
        Assert.IsNotEmpty(variants, $"the golden root holds no variant with {string.Join(" and ", heads)} checkpoints");
        return variants;
    }

    [TestMethod]
    public void TokenClassifierIntoASequenceClassifierWarnsAsTransformersDoes()
    {
        foreach (var variant in Variants("tokcls"))
        {
            var folder = Path.Combine(variant, "tokcls");
            var logged = new List<string>();
            using var scope = NewDisposeScope();
            using var model = DebertaCheckpoint.Load<DebertaForSequenceClassification>(folder, out var report,
                new CheckpointLoadOptions { Log = logged.Add });
            string cls = model.HuggingFaceClassName;

            CollectionAssert.AreEqual(report.Warnings.ToList(), logged, "each warning goes to the log hook");
            Assert.HasCount(2, report.Warnings, string.Join("\n", report.Warnings));
            StringAssert.StartsWith(report.Warnings[0], $"The checkpoint at {folder} was saved from {DebertaConfig.Load(folder).Architectures[0]}");
            StringAssert.Contains(report.Warnings[0], $"not {cls}");
            StringAssert.StartsWith(report.Warnings[1],
                $"Some weights of {cls} were not initialized from the model checkpoint at {folder} and are newly initialized: [");
            StringAssert.Contains(report.Warnings[1], "'pooler.dense.weight'");
            StringAssert.Contains(report.Warnings[1], "'pooler.dense.bias'");
        }
    }

    [TestMethod]
    public void QuestionAnsweringIntoASequenceClassifierListsUnusedAndNewWeights()
    {
        foreach (var variant in Variants("qa"))
        {
            var folder = Path.Combine(variant, "qa");
            using var scope = NewDisposeScope();
            using var model = DebertaCheckpoint.Load<DebertaForSequenceClassification>(folder, out var report,
                new CheckpointLoadOptions { Log = _ => { } });
            string cls = model.HuggingFaceClassName;

            CollectionAssert.Contains(report.Warnings.ToList(),
                $"Some weights of the model checkpoint at {folder} were not used when initializing {cls}: ['qa_outputs.bias', 'qa_outputs.weight']");
            var fresh = report.Warnings.Single(w => w.StartsWith($"Some weights of {cls} were not initialized", StringComparison.Ordinal));
            foreach (var key in new[] { "pooler.dense.weight", "pooler.dense.bias", "classifier.weight", "classifier.bias" })
                StringAssert.Contains(fresh, $"'{key}'");
        }
    }

    [TestMethod]
    public void StrictMakesAHeadMismatchAnErrorNamingTheFix()
    {
        foreach (var variant in Variants("tokcls"))
        {
            var folder = Path.Combine(variant, "tokcls");
            var logged = new List<string>();
            var e = Assert.Throws<CheckpointMismatchException>(() => DebertaCheckpoint.Load<DebertaForSequenceClassification>(folder,
                new CheckpointLoadOptions { Strict = true, Log = logged.Add }));
            string architecture = DebertaConfig.Load(folder).Architectures[0];
            StringAssert.Contains(e.Message, $"Checkpoint '{folder}' does not match");
            StringAssert.Contains(e.Message, "Strict is set");
            StringAssert.Contains(e.Message, $"was saved from {architecture}");
            StringAssert.Contains(e.Message, "'pooler.dense.weight'");
            StringAssert.Contains(e.Message, $"load it into the class its config names ({architecture}) with DebertaCheckpoint.Load(folder)");
            CollectionAssert.Contains(e.MissingKeys.ToList(), "pooler.dense.weight");
            Assert.IsEmpty(logged, "an error is not also a warning");
        }
    }

    [TestMethod]
    public void ACheckpointOfTheModelsOwnHeadLoadsWithoutWarningsEvenWhenStrict()
    {
        int loads = 0;
        foreach (var variant in Variants("base"))
        {
            foreach (var folder in Directory.GetDirectories(variant).Where(f => File.Exists(Path.Combine(f, "config.json"))))
            {
                var logged = new List<string>();
                using var scope = NewDisposeScope();
                using var model = DebertaCheckpoint.Load(folder, out var report, new CheckpointLoadOptions { Strict = true, Log = logged.Add });
                Assert.IsEmpty(report.Warnings, $"{folder}: {string.Join("\n", report.Warnings)}");
                Assert.IsEmpty(logged, folder);
                loads++;
            }
        }
        Assert.IsGreaterThan(5, loads, "every head of the golden variants was loaded");
    }

    [TestMethod]
    public void ABackboneIntoAHeadWarnsOfTheNewHeadButNotOfAnotherHead()
    {
        foreach (var variant in Variants("base"))
        {
            var folder = Path.Combine(variant, "base");
            using var scope = NewDisposeScope();
            using var model = DebertaCheckpoint.Load<DebertaForTokenClassification>(folder, out var report, new CheckpointLoadOptions { Log = _ => { } });
            Assert.HasCount(1, report.Warnings, string.Join("\n", report.Warnings));
            StringAssert.StartsWith(report.Warnings[0], $"Some weights of {model.HuggingFaceClassName} were not initialized");
            Assert.Throws<CheckpointMismatchException>(() => DebertaCheckpoint.Load<DebertaForTokenClassification>(folder,
                new CheckpointLoadOptions { Strict = true }));
        }
    }
}
