using System.Text.RegularExpressions;
using Microsoft.ML.Deberta.AutoML;
using Microsoft.ML.Deberta.Tests.Checkpoints;

namespace Microsoft.ML.Deberta.Tests.AutoML;

/// <summary>The HTML report: self-contained, and it renders in headless Chromium with every plot drawn and no console error.</summary>
[TestClass]
public sealed partial class ExperimentReportTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(900_000, CooperativeCancellation = true)]
    public async Task TheReportRendersInHeadlessChromium()
    {
        var mlContext = new MLContext(1);
        using var result = await AutoMLTestData.Experiment(mlContext, 100).SetMaxTrials(3).SetTuner(TunerKind.Random).RunAsync(TestContext.CancellationToken);
        using var folder = new TemporaryDirectory();
        var report = folder.File("report.html");
        ExperimentReport.Write(result, report);
        var html = File.ReadAllText(report);

        var external = ExternalReference().Match(html);
        Assert.IsFalse(external.Success, $"no CDN or other network reference (headless Chromium has no network): {external.Value}");
        StringAssert.Contains(html, "plotly.js v2", "plotly.js is inlined");
        var plots = PlotSection().Matches(html).Select(m => m.Groups[1].Value).ToList();
        CollectionAssert.IsSubsetOf(new[] { "training-loss", "validation-per-epoch", "metric-over-trials", "confusion-matrix" }, plots);
        Assert.IsTrue(plots.Any(p => p.StartsWith("parameter-")), "at least one option varied");
        StringAssert.Contains(html, "id=\"leaderboard\"");

        // Rendered DOM: every plot section holds the SVG plotly.js draws; the console shows no error.
        var dom = HeadlessChromium.Run(report, "--virtual-time-budget=10000", "--enable-logging=stderr", "--v=0", "--dump-dom");
        Assert.AreEqual(0, dom.ExitCode, dom.Error);
        foreach (var plot in plots)
        {
            var section = Regex.Match(dom.Output, $"<section class=\"plot\" data-plot=\"{Regex.Escape(plot)}\">(.*?)</section>", RegexOptions.Singleline);
            Assert.IsTrue(section.Success, $"plot '{plot}' is in the rendered page");
            StringAssert.Contains(section.Groups[1].Value, "main-svg", $"plotly.js drew plot '{plot}'");
        }
        var consoleErrors = dom.Error.Split('\n').Where(l => l.Contains("CONSOLE") && (l.Contains("Error") || l.Contains("Uncaught"))).ToList();
        Assert.IsEmpty(consoleErrors, string.Join("\n", consoleErrors));

        // Screenshot: compared with a blank page of the same size, the report's picture carries far more.
        var blank = folder.File("blank.html");
        File.WriteAllText(blank, "<!DOCTYPE html><html><body></body></html>");
        long reportBytes = Screenshot(report, folder.File("report.png")), blankBytes = Screenshot(blank, folder.File("blank.png"));
        TestContext.WriteLine($"screenshot: report {reportBytes} bytes, blank page {blankBytes} bytes");
        Assert.IsGreaterThan(blankBytes * 5, reportBytes, "the report's screenshot is not blank");
    }

    private static long Screenshot(string page, string png)
    {
        var run = HeadlessChromium.Run(page, "--virtual-time-budget=10000", "--window-size=1400,2400", $"--screenshot={png}", "--hide-scrollbars");
        Assert.IsTrue(File.Exists(png), $"chromium wrote no screenshot (exit {run.ExitCode}): {run.Error}");
        var bytes = File.ReadAllBytes(png);
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4], "a PNG file");
        return bytes.Length;
    }

    [GeneratedRegex(@"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*[""']?(https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    [GeneratedRegex(@"<section class=""plot"" data-plot=""([^""]+)"">")]
    private static partial Regex PlotSection();
}
