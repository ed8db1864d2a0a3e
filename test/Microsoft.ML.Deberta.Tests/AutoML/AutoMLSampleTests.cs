using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tests.MLNet;

namespace Microsoft.ML.Deberta.Tests.AutoML;

/// <summary>samples/AutoML end to end, as <c>./build.sh sample</c> runs it, with a budget of seconds.</summary>
[TestClass]
public sealed partial class AutoMLSampleTests
{
    public TestContext TestContext { get; set; } = null!;

    private const string Sample = "Microsoft.ML.Deberta.Samples.AutoML.dll";

    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    public void TheDefaultRunSweepsSavesTheModelAndScoresATestFile()
    {
        using var folder = new TemporaryDirectory();
        var output = Path.Combine(folder.Path, "out");
        var testFile = Path.Combine(folder.Path, "test.tsv");
        File.WriteAllLines(testFile, File.ReadLines(AutoMLTestData.YelpPath).Take(60));

        var run = ChildProcess.Run(["--train-time", "4", "--output", output, "--test-dataset", testFile], TimeSpan.FromMinutes(8), Sample);
        TestContext.WriteLine(run.Output);

        Assert.AreEqual(0, run.ExitCode, run.Output);
        StringAssert.Contains(run.Output, "Leaderboard (");
        StringAssert.Contains(run.Output, "trial 0 started");       // plain lines: the output is not a terminal
        var test = TestAccuracy().Match(run.Output);
        Assert.IsTrue(test.Success, "prints 'test accuracy: <value>' for --test-dataset");
        double accuracy = double.Parse(test.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.IsTrue(accuracy is >= 0 and <= 1);
        StringAssert.Contains(run.Output, "held-out test accuracy: ");
        Assert.IsTrue(File.Exists(Path.Combine(output, "model.zip")));
        StringAssert.Contains(File.ReadAllText(Path.Combine(output, "report.html")), "id=\"leaderboard\"");
        Assert.IsTrue(File.Exists(Path.Combine(output, "Code", "DebertaModel.consumption.cs")));
        Assert.AreEqual(3, ScoredExample().Matches(run.Output).Count, "three example sentences scored from the saved zip");
    }

    [TestMethod]
    public void BadFlagsAndFilesFailWithAMessage()
    {
        var run = ChildProcess.Run(["--train-tme", "4"], TimeSpan.FromMinutes(2), Sample);
        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.Output, "Unknown flag '--train-tme'");
        run = ChildProcess.Run(["classification", "--dataset", "/nonexistent/data.tsv"], TimeSpan.FromMinutes(2), Sample);
        Assert.AreEqual(1, run.ExitCode);
        StringAssert.Contains(run.Output, "'/nonexistent/data.tsv' does not exist");
        run = ChildProcess.Run(["classification", "--dataset", AutoMLTestData.YelpPath, "--label-col", "Stars"], TimeSpan.FromMinutes(2), Sample);
        Assert.AreEqual(1, run.ExitCode);
        StringAssert.Contains(run.Output, "The label column 'Stars' is neither a column name nor an index below 2");
    }

    [GeneratedRegex(@"^test accuracy: ([0-9.]+)$", RegexOptions.Multiline)]
    private static partial Regex TestAccuracy();

    [GeneratedRegex(@"^  "".*"" -> \S+ \(probability [0-9.]+\)$", RegexOptions.Multiline)]
    private static partial Regex ScoredExample();
}
