using System.Text.Json.Nodes;
using Microsoft.ML.Deberta.Tests.Checkpoints;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// A copy of the child program (<c>Microsoft.ML.Deberta.Tests.FakeModel</c>) that holds the managed assemblies and ONNX
/// Runtime's native library but none of libtorch's (libtorch, libc10, libLibTorchSharp, …): a serving app's folder
/// without libtorch. Its <c>deps.json</c> keeps only the assets the copy holds, so the host starts without them.
/// </summary>
internal sealed class LibtorchFreeAppFolder : IDisposable
{
    private const string App = "Microsoft.ML.Deberta.Tests.FakeModel";
    private readonly TemporaryDirectory _folder = new();

    public LibtorchFreeAppFolder()
    {
        var source = AppContext.BaseDirectory;
        foreach (var file in Directory.EnumerateFiles(source, "*.dll"))
            File.Copy(file, _folder.File(Path.GetFileName(file)));
        File.Copy(Path.Combine(source, App + ".runtimeconfig.json"), _folder.File(App + ".runtimeconfig.json"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(source, "runtimes"), "*onnxruntime*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Folder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var deps = JsonNode.Parse(File.ReadAllText(Path.Combine(source, App + ".deps.json")))!;
        foreach (var (_, libraries) in deps["targets"]!.AsObject())
            foreach (var (_, library) in libraries!.AsObject())
                foreach (var group in new[] { "runtime", "native", "runtimeTargets", "resources" })
                    if (library![group] is JsonObject assets)
                        foreach (var asset in assets.Select(a => a.Key).Where(a => !Holds(a)).ToList())
                            assets.Remove(asset);
        File.WriteAllText(_folder.File(App + ".deps.json"), deps.ToJsonString());
    }

    public string Folder => _folder.Path;

    public string Program => _folder.File(App + ".dll");

    /// <summary>The files of the copy whose names say they belong to libtorch or TorchSharp's native part.</summary>
    public IReadOnlyList<string> TorchNativeFiles() => [.. Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories)
        .Select(Path.GetFileName).Where(name => name!.Contains("torch", StringComparison.OrdinalIgnoreCase) && !name.EndsWith(".dll", StringComparison.Ordinal)
            || name!.StartsWith("libc10", StringComparison.Ordinal))!];

    // A package asset is found by its relative path (RID-specific ones) or by its file name in the app folder (the rest).
    private bool Holds(string asset) => File.Exists(Path.Combine(Folder, asset)) || File.Exists(_folder.File(Path.GetFileName(asset)));

    public void Dispose() => _folder.Dispose();
}
