using Microsoft.ML.Deberta.Tests.DocSnippets;
using Microsoft.ML.Deberta.Tests.MLNet;

namespace Microsoft.ML.Deberta.Tests.Packaging;

/// <summary>
/// The first hour of a user, automated: pack the library as <c>./build.sh pack</c> does, write a console app that
/// references the .nupkg (from a local feed, as a user's app would reference nuget.org) and whose Program.cs is the
/// README's first quick start, build it and run it. Restore reads only that feed and the NuGet cache the tests already
/// use (no network), and the package gets a version of its own so no stale copy in the cache can stand in for it.
/// </summary>
[TestClass]
public sealed class PackedPackageTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    [TestMethod]
    public void AConsoleAppReferencingTheNupkgRunsTheReadmeQuickStart()
    {
        var quickStart = DocSnippetReader.All().First(s => s.File == "README.md" && s.Code.Contains("DebertaInputBatch.FromEncodings", StringComparison.Ordinal));
        var version = $"0.0.0-packtest.{DateTime.UtcNow:yyyyMMddHHmmss}";
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var root = Directory.CreateTempSubdirectory("deberta-packtest-").FullName;
        var cached = Path.Combine(cache, "microsoft.ml.deberta", version);
        try
        {
            var feed = Directory.CreateDirectory(Path.Combine(root, "feed")).FullName;
            var pack = ChildProcess.RunDotnet(["pack", RepositoryPaths.LibraryProject(), "-c", Configuration(), "--no-build", "-nologo", "-v", "q",
                "-o", feed, $"-p:PackageVersion={version}"], Timeout);
            Assert.AreEqual(0, pack.ExitCode, pack.Output);
            Assert.IsTrue(File.Exists(Path.Combine(feed, $"Microsoft.ML.Deberta.{version}.nupkg")), pack.Output);

            var app = Directory.CreateDirectory(Path.Combine(root, "app")).FullName;
            File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.ML.Deberta" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="packed" value="{feed}" />
                    <add key="cache" value="{cache}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), quickStart.Code);
            var build = ChildProcess.RunDotnet(["build", Path.Combine(app, "App.csproj"), "-c", "Release", "-nologo", "-v", "q",
                "-o", Path.Combine(app, "bin")], Timeout, app);
            Assert.AreEqual(0, build.ExitCode, build.Output);

            var workFolder = DocSnippetFolder.Create(quickStart.Code);
            try
            {
                var run = ChildProcess.RunDotnet([Path.Combine(app, "bin", "App.dll")], Timeout, workFolder);
                Console.WriteLine(run.Output);
                Assert.AreEqual(0, run.ExitCode, run.Output);
                // Two texts, each printed as "<label>: <probability>" with a label of the checkpoint.
                var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                Assert.HasCount(2, lines, run.Output);
                Assert.IsTrue(lines.All(l => l.Split(": ") is [var label, var p] && label is "negative" or "neutral" or "positive" && float.TryParse(p, out _)), run.Output);
            }
            finally
            {
                Directory.Delete(workFolder, recursive: true);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
            var packageFolder = Path.GetDirectoryName(cached)!;
            if (Directory.Exists(packageFolder) && !Directory.EnumerateFileSystemEntries(packageFolder).Any()) Directory.Delete(packageFolder);
        }
    }

    // The test assembly's own configuration (bin/<Configuration>/net10.0): the library was built the same way.
    private static string Configuration() => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
}
