using Microsoft.ML.Deberta.Tests.Checkpoints;

namespace Microsoft.ML.Deberta.Tests.Training;

/// <summary>
/// Replays every <c>training/&lt;run&gt;/</c> folder of the golden root (transformers' fine-tuning runs: recipe and
/// per-step loss, learning rate and pre-clipping gradient norm in train_golden.json, inputs and final parameters in
/// train_golden.safetensors) through <see cref="Microsoft.ML.Deberta.Training.FineTuningOptimizer"/>, whatever the runs
/// are called and whichever model type (v1 or v2/v3) their config.json names.
/// </summary>
[TestClass]
[TestCategory("Parity")]
public sealed class TrainingGoldenTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void EveryTrainingRunMatchesTransformers()
    {
        var runs = ReplayAll(GoldenData.RequireFolder("training"));
        AssertAllMatch(runs);
    }

    /// <summary>No run is found by name: a root whose training/ holds a copy of the bundled run under another name is walked.</summary>
    [TestMethod]
    public void RunsAreFoundByWalkingTheFolderNotByName()
    {
        using var root = new TemporaryDirectory();
        string copy = Path.Combine(root.Path, "training", "other");
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(GoldenData.Bundled("training", "v1")))
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));

        var runs = ReplayAll(Path.Combine(root.Path, "training"));
        CollectionAssert.AreEqual(new[] { "other" }, runs.Select(r => r.Name).ToArray());
        AssertAllMatch(runs);
    }

    [TestMethod]
    public void ATrainingFolderWithoutRunsComparesNothingAndFails()
    {
        using var root = new TemporaryDirectory();
        Directory.CreateDirectory(Path.Combine(root.Path, "training"));
        Assert.IsEmpty(ReplayAll(Path.Combine(root.Path, "training")));
        Assert.ThrowsExactly<AssertFailedException>(() => AssertAllMatch([]));
    }

    [TestMethod]
    public void ARunFolderMissingAFileIsReportedByName()
    {
        using var root = new TemporaryDirectory();
        string run = Path.Combine(root.Path, "training", "partial");
        Directory.CreateDirectory(run);
        File.Copy(GoldenData.Bundled("training", "v1", "config.json"), Path.Combine(run, "config.json"));
        var replayed = ReplayAll(Path.Combine(root.Path, "training")).Single();
        StringAssert.Contains(replayed.Failures.Single(), "missing model.safetensors, train_golden.json, train_golden.safetensors");
    }

    private List<GoldenTrainingRun> ReplayAll(string trainingFolder)
    {
        var runs = new List<GoldenTrainingRun>();
        foreach (string folder in Directory.GetDirectories(trainingFolder).Order(StringComparer.Ordinal))
        {
            var run = GoldenTrainingRun.Replay(folder);
            if (run.Failures.Count == 0 || run.Steps > 0)
                TestContext.WriteLine(run.Summary);
            runs.Add(run);
        }
        return runs;
    }

    private static void AssertAllMatch(List<GoldenTrainingRun> runs)
    {
        Assert.IsNotEmpty(runs, "the golden training/ folder holds no run folder; nothing was compared");
        var failures = runs.SelectMany(r => r.Failures).ToList();
        Assert.IsEmpty(failures, string.Join("\n", failures));
    }
}
