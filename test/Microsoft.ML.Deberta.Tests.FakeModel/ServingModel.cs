using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Deberta;

namespace Microsoft.ML.Deberta.Tests.FakeModel;

/// <summary>
/// The <c>serve</c> command: what a serving app does — load a saved model with the default runtime and score rows —
/// then report which libtorch native libraries the process has mapped (from <c>/proc/self/maps</c>), so the parent can
/// check that scoring through ONNX Runtime never loaded libtorch. The rows file is tab-separated with a header line
/// naming its text columns (Text; Query and Passage; Question and Context; ...), so one verb serves every task.
/// </summary>
internal static class ServingModel
{
    public const string TorchLibrariesPrefix = "torch-libraries:";

    public static int Serve(string modelPath, string rowsPath, string outputPath, string[] columns)
    {
        var mlContext = new MLContext(seed: 1);
        var data = ReadRows(mlContext, rowsPath);
        var model = DebertaModelIO.Load(mlContext, modelPath, out _);
        var output = PredictionDump.Lines(model.Transform(data), columns);
        (model as IDisposable)?.Dispose();
        output.Add(TorchLibrariesPrefix + string.Join(",", MappedTorchLibraries()));
        File.WriteAllLines(outputPath, output);
        return 0;
    }

    /// <summary>Writes <paramref name="rows"/> (values in the order of <paramref name="columns"/>, no tabs or line breaks in them) as <see cref="Serve"/> reads them.</summary>
    public static void WriteRows(string path, IReadOnlyList<string> columns, IEnumerable<string[]> rows) =>
        File.WriteAllLines(path, rows.Select(r => string.Join("\t", r)).Prepend(string.Join("\t", columns)));

    /// <summary>The rows <see cref="WriteRows"/> wrote, every column text read verbatim: no quoting, no sparse rows (texts may hold ':'), no trimming.</summary>
    public static IDataView ReadRows(MLContext mlContext, string path)
    {
        var names = File.ReadLines(path).First().Split('\t');
        return mlContext.Data.CreateTextLoader(new TextLoader.Options
        {
            Columns = [.. names.Select((name, i) => new TextLoader.Column(name, DataKind.String, i))],
            HasHeader = true, Separators = ['\t'], AllowQuoting = false, AllowSparse = false, TrimWhitespace = false,
        }).Load(path);
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
