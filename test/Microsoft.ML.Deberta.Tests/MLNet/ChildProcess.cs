using System.Diagnostics;

namespace Microsoft.ML.Deberta.Tests.MLNet;

/// <summary>
/// Runs an executable copied next to the tests by a project reference (the fake model, by default, for the
/// fresh-process round trip; or the AutoML sample), or any dotnet command, in a new process with the same dotnet host.
/// </summary>
internal static class ChildProcess
{
    public sealed record Result(int ExitCode, string Output);

    public static Result Run(IEnumerable<string> arguments, TimeSpan timeout, string assembly = "Microsoft.ML.Deberta.Tests.FakeModel.dll")
    {
        var program = Path.Combine(AppContext.BaseDirectory, assembly);
        Assert.IsTrue(File.Exists(program), $"{program} is missing: the test project should copy it.");
        return RunDotnet([program, .. arguments], timeout);
    }

    /// <summary>
    /// Runs the fake model's program and kills it (the whole process tree, as a crash would) as soon as it prints a line
    /// for which <paramref name="killWhen"/> is true; <c>Killed</c> says whether it came to that.
    /// </summary>
    public static (Result Result, bool Killed) RunUntil(IEnumerable<string> arguments, Func<string, bool> killWhen, TimeSpan timeout)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.Deberta.Tests.FakeModel.dll");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[program, .. arguments])
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the child process.");
        var stderr = process.StandardError.ReadToEndAsync();
        var output = new System.Text.StringBuilder();
        bool killed = false;
        var reading = Task.Run(() =>
        {
            while (process.StandardOutput.ReadLine() is string line)
            {
                output.AppendLine(line);
                if (!killed && killWhen(line))
                {
                    killed = true;
                    process.Kill(entireProcessTree: true);
                }
            }
        });
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The child process {string.Join(' ', arguments)} did not finish within {timeout}.");
        }
        process.WaitForExit();
        reading.Wait(timeout);
        return (new Result(process.ExitCode, output + stderr.Result), killed);
    }

    /// <summary>Runs the dotnet host with <paramref name="arguments"/> (a command such as <c>build</c>, or an app's dll).</summary>
    public static Result RunDotnet(IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the child process.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} did not finish within {timeout}.");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result + stderr.Result);
    }

    // The test host usually runs under the dotnet executable that started it; DOTNET_HOST_PATH names it otherwise.
    private static string DotnetHost()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromEnvironment) && File.Exists(fromEnvironment))
            return fromEnvironment;
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
            return current;
        return "dotnet";
    }
}
