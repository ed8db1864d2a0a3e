using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Microsoft.ML.Deberta.Tests.Serving;

/// <summary>
/// samples/WebApi as a child process on 127.0.0.1 (a free port it picks and prints), built with the solution; its
/// output is collected for the assertions about shutdown.
/// </summary>
internal sealed partial class WebApiServer : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebApiServer(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServerDll());
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server.");
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Client { get; }

    public Uri BaseAddress => Client.BaseAddress!;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>Starts the server with the model and flags; returns once it listens (not necessarily ready).</summary>
    public static async Task<WebApiServer> StartAsync(string modelPath, params string[] flags)
    {
        var server = new WebApiServer([modelPath, "--port", "0", .. flags]);
        var exited = server._process.WaitForExitAsync();
        var first = await Task.WhenAny(server._listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != server._listening.Task)
        {
            server.Dispose();
            Assert.Fail($"The server did not start listening:\n{server.Output}");
        }
        server.Client.BaseAddress = server._listening.Task.Result;
        return server;
    }

    /// <summary>Polls /readyz until it answers 200 or 503 with a final status; returns the last body.</summary>
    public async Task<string> WaitUntilLoadedAsync()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            var body = await Client.GetStringOrErrorAsync("/readyz");
            if (!body.Contains("\"loading\"", StringComparison.Ordinal))
                return body;
            await Task.Delay(100);
        }
        Assert.Fail($"The model did not finish loading within 120 s:\n{Output}");
        return "";
    }

    /// <summary>Sends SIGTERM, as a service manager does, and waits for the process to end; returns its exit code.</summary>
    public int Terminate(TimeSpan timeout)
    {
        Assert.AreEqual(0, Kill(_process.Id, 15), "SIGTERM sent");
        Assert.IsTrue(_process.WaitForExit(timeout), $"The server did not stop within {timeout}:\n{Output}");
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        Client.Dispose();
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
        if (ListeningLine().Match(line) is { Success: true } m)
            _listening.TrySetResult(new Uri(m.Groups[1].Value));
    }

    [GeneratedRegex(@"Serving on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    // Built with the solution (build.sh builds it before the tests), in the configuration the tests were built in.
    private static string ServerDll()
    {
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<configuration>/net10.0
        var library = new FileInfo(RepositoryPaths.LibraryProject());
        string dll = Path.Combine(library.Directory!.Parent!.Parent!.FullName, "samples", "WebApi", "bin", configuration, "net10.0",
            "Microsoft.ML.Deberta.Samples.WebApi.dll");
        Assert.IsTrue(File.Exists(dll), $"{dll} is missing: build the solution (./build.sh) first.");
        return dll;
    }

    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}

internal static class HttpClientExtensions
{
    /// <summary>The body whatever the status (readyz answers 503 while loading).</summary>
    public static async Task<string> GetStringOrErrorAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return await response.Content.ReadAsStringAsync();
    }
}
