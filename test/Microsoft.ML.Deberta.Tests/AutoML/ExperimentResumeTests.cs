using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta.AutoML;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tests.MLNet;

namespace Microsoft.ML.Deberta.Tests.AutoML;

/// <summary>
/// The trial store: a sweep killed mid-trial resumes from it (completed trials read back, the tuner replayed, the
/// interrupted trial run again), and a store written with another search space is refused.
/// </summary>
[TestClass]
public sealed partial class ExperimentResumeTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    public void AKilledSweepResumesWithoutRerunningCompletedTrials()
    {
        using var folder = new TemporaryDirectory();
        var data = Path.Combine(folder.Path, "data.tsv");
        File.WriteAllLines(data, File.ReadLines(AutoMLTestData.YelpPath).Take(60));
        var checkpoint = Path.Combine(folder.Path, "experiment");
        string[] arguments = ["classification", "--dataset", data, "--max-trials", "3", "--train-time", "600", "--model", "scratch-tiny",
            "--tuner", "random", "--checkpoint", checkpoint, "--output", Path.Combine(folder.Path, "out")];

        // First run: killed during trial 1, once it has reported an epoch.
        var first = RunUntil(arguments, line => line.Contains("trial 1 epoch 1/"), TimeSpan.FromMinutes(5));
        TestContext.WriteLine(first);
        StringAssert.Contains(first, "trial 0 completed");
        List<TrialResult> before;
        using (var store = new SqliteTrialStore(Path.Combine(checkpoint, "trials.db")))
            before = [.. store.LoadTrials()];
        Assert.AreEqual(TrialStatus.Completed, before[0].Status);
        Assert.AreEqual(TrialStatus.Running, before[1].Status, "the killed trial is left running in the store");
        Assert.IsNotEmpty(before[1].Epochs, "epochs are stored as they finish");

        // Second run (the trial budget is no part of the store's key): trial 0 is read back, trial 1 runs again with the
        // same parameter, and the sweep ends there.
        string[] again = [.. arguments.Select(a => a == "3" ? "2" : a)];
        var second = ChildProcess.Run(again, TimeSpan.FromMinutes(5), "Microsoft.ML.Deberta.Samples.AutoML.dll");
        TestContext.WriteLine(second.Output);
        Assert.AreEqual(0, second.ExitCode, second.Output);
        StringAssert.Contains(second.Output, "trial 0 restored from the trial store");
        Assert.DoesNotContain("trial 0 started", second.Output, "a completed trial is not rerun");
        Assert.AreEqual(Started(first, 1), Started(second.Output, 1), "the replayed tuner proposes the interrupted trial's parameter again");
        StringAssert.Contains(second.Output, "trial 1 completed");
        StringAssert.Contains(second.Output, "Leaderboard (2 trials");
        using (var store = new SqliteTrialStore(Path.Combine(checkpoint, "trials.db")))
        {
            var after = store.LoadTrials();
            Assert.HasCount(2, after);
            Assert.IsTrue(after.All(t => t.Status == TrialStatus.Completed));
            Assert.AreEqual(before[0].Duration, after[0].Duration, "trial 0's row is untouched");
            Assert.AreEqual(before[0].Metric, after[0].Metric);
        }
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task AStoreFromAnotherSearchSpaceIsRefused()
    {
        using var folder = new TemporaryDirectory();
        var mlContext = new MLContext(1);
        using (var result = await AutoMLTestData.Experiment(mlContext, 60).SetMaxTrials(1).SetCheckpoint(folder.Path).RunAsync(TestContext.CancellationToken))
            Assert.HasCount(1, result.Trials);

        var events = new List<ExperimentEvent>();
        var other = AutoMLTestData.Experiment(mlContext, 60).SetMaxTrials(1).SetCheckpoint(folder.Path)
            .SetSearchSpace(AutoMLTestData.TinySpace().With(new ChoiceDimension("BatchSize", [8, 32])), DebertaTestData.V1TokenizerFolder)
            .SetMonitor(new SynchronousProgress<ExperimentEvent>(events.Add));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => other.RunAsync(TestContext.CancellationToken));
        StringAssert.Contains(e.Message, "another search space or settings");
        StringAssert.Contains(e.Message, "BatchSize: {8, 32}");
        StringAssert.Contains(e.Message, "trials.db");
        Assert.IsEmpty(events, "refused before any trial");

        // The same experiment resumes: its one trial is read back, the best model comes from best-model.zip.
        using var again = await AutoMLTestData.Experiment(mlContext, 60).SetMaxTrials(1).SetCheckpoint(folder.Path).RunAsync(TestContext.CancellationToken);
        Assert.AreEqual(0, again.BestTrial.Id);
        Assert.HasCount(60, again.BestModel.Transform(AutoMLTestData.Yelp(mlContext, 60)).GetColumn<string>("PredictedLabel").ToList());
    }

    private static string? Started(string output, int trial) =>
        Regex.Match(output, $@"trial {trial} started: (.*)$", RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value : null;

    // Runs the sample and kills it (SIGKILL, whole tree) when a line matches; returns the output up to then.
    private static string RunUntil(IEnumerable<string> arguments, Func<string, bool> killWhen, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.Deberta.Samples.AutoML.dll"));
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var clock = Stopwatch.StartNew();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            output.AppendLine(line);
            if (killWhen(line) || clock.Elapsed > timeout)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return output.ToString();
            }
        }
        process.WaitForExit();
        Assert.Fail($"The sample ended (exit {process.ExitCode}) before it could be killed:\n{output}{process.StandardError.ReadToEnd()}");
        return "";
    }
}
