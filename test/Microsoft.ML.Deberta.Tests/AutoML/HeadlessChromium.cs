using System.Diagnostics;

namespace Microsoft.ML.Deberta.Tests.AutoML;

/// <summary>
/// Debian's chromium, run headless without a network, sandbox or profile (the tests run as root in a Debian 13 root).
/// When it is missing, <see cref="Find"/> installs it with apt-get (root only), so a fresh CI machine needs nothing by hand.
/// </summary>
internal static class HeadlessChromium
{
    private static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome"];
    private static readonly Lazy<string> Executable = new(FindOrInstall, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Find() => Executable.Value;

    /// <summary>Runs chromium on a page with the given extra flags; returns its exit code, standard output and error.</summary>
    public static (int ExitCode, string Output, string Error) Run(string page, params string[] flags)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        try
        {
            var start = new ProcessStartInfo(Find()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var flag in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile.FullName}", .. flags])
                start.ArgumentList.Add(flag);
            start.ArgumentList.Add(new Uri(Path.GetFullPath(page)).AbsoluteUri);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("chromium did not finish within 2 minutes.");
            }
            return (process.ExitCode, output.Result, error.Result);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    private static string FindOrInstall()
    {
        if (Search() is { } found)
            return found;
        // Debian's package, installed as the test setup (the build root is a minimal Debian 13 without it).
        var log = Shell("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium");
        return Search() ?? throw new AssertFailedException(
            $"chromium is not installed and apt-get could not install it (run the tests as root with Debian's package mirror reachable):\n{log}");
    }

    private static string? Search() => (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':')
        .SelectMany(dir => Names.Select(name => Path.Combine(dir, name))).FirstOrDefault(File.Exists);

    private static string Shell(string command)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit(TimeSpan.FromMinutes(10));
        return output.Result + error.Result;
    }
}
