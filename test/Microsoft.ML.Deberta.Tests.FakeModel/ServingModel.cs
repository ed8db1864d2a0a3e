using Microsoft.ML;
using Microsoft.ML.Deberta;

namespace Microsoft.ML.Deberta.Tests.FakeModel;

/// <summary>
/// The <c>serve</c> command: what a serving app does — load a saved model with the default runtime and score rows —
/// then report which libtorch native libraries the process has mapped (from <c>/proc/self/maps</c>), so the parent can
/// check that scoring through ONNX Runtime never loaded libtorch.
/// </summary>
internal static class ServingModel
{
    public const string TorchLibrariesPrefix = "torch-libraries:";

    public static int Serve(string modelPath, string rowsPath, string outputPath)
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(TextRow.ReadTsv(rowsPath));
        var model = DebertaModelIO.Load(mlContext, modelPath, out _);
        var output = PredictionDump.Lines(model.Transform(data), "Score");
        (model as IDisposable)?.Dispose();
        output.Add(TorchLibrariesPrefix + string.Join(",", MappedTorchLibraries()));
        File.WriteAllLines(outputPath, output);
        return 0;
    }

    // libtorch's native libraries (libtorch*, libc10*) and TorchSharp's native wrapper (libLibTorchSharp). The managed
    // TorchSharp.dll may be mapped (the library's assembly references it); it runs no native code unless a tensor is made.
    private static IEnumerable<string> MappedTorchLibraries() => File.ReadLines("/proc/self/maps")
        .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Where(fields => fields.Length >= 6)
        .Select(fields => Path.GetFileName(fields[5]))
        .Where(name => name.Contains(".so", StringComparison.Ordinal))
        .Where(name => name.Contains("torch", StringComparison.OrdinalIgnoreCase) || name.StartsWith("libc10", StringComparison.Ordinal))
        .Distinct();
}
