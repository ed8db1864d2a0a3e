using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tests.FakeModel;
using Microsoft.ML.Deberta.Tests.MLNet;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// A serving app that scores through ONNX Runtime never loads libtorch: for every task the ML.NET layer scores through
/// ONNX Runtime, a child process whose folder holds no libtorch native library loads the .zip saved from the
/// ONNX-scored step and scores as the TorchSharp step does (every score column within 1e-4, labels, spans and tokens
/// equal), while the same folder cannot score the TorchSharp .zip (so the folder really lacks libtorch).
/// </summary>
[TestClass]
public sealed class OnnxServingWithoutLibtorchTests
{
    private const float Tolerance = 1e-4f;

    private static LibtorchFreeAppFolder? _app;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void CopyTheServingApp(TestContext _)
    {
        if (OperatingSystem.IsLinux())
            _app = new LibtorchFreeAppFolder();
    }

    [ClassCleanup]
    public static void DeleteTheServingApp() => _app?.Dispose();

    [TestMethod]
    [DataRow("text classification")]
    [DataRow("regression")]
    [DataRow("text pair scoring")]
    [DataRow("embeddings")]
    [DataRow("zero-shot")]
    [DataRow("NER")]
    [DataRow("question answering")]
    [DataRow("fill-mask")]
    public void AChildWithoutLibtorchScoresTheOnnxZipAsTorchSharpDoes(string task) => ServeAndCompare(task, DebertaScoringRuntime.OnnxRuntime);

    [TestMethod]
    public void AChildWithoutLibtorchScoresTheInt8ZipAsTheProcessThatSavedIt() =>
        ServeAndCompare("text classification", DebertaScoringRuntime.OnnxRuntimeInt8);

    // The float32 route is compared with the TorchSharp step; the int8 one with the step the zip was saved from (its
    // scores differ from TorchSharp's by more than 1e-4, see OnnxInt8ScoringTests).
    private void ServeAndCompare(string task, DebertaScoringRuntime runtime)
    {
        var app = App();
        var served = OnnxServedTask.Named(task);
        using var work = new TemporaryDirectory();
        using var fitted = served.FitIn(work);
        var onnx = fitted.Own(LoadAndSave(fitted.MLContext, fitted.Torch, fitted.Data.Schema, work, runtime));
        var expected = PredictionDump.Lines((runtime == DebertaScoringRuntime.OnnxRuntime ? fitted.Torch : onnx).Transform(fitted.Data), served.Columns);

        var name = runtime == DebertaScoringRuntime.OnnxRuntime ? task : $"{task} int8";
        var (exitCode, output, lines, torchLibraries) = Serve(app, work.File("onnx.zip"), fitted.RowsPath, served.Columns);
        Assert.AreEqual(0, exitCode, output);
        Assert.AreEqual("", torchLibraries, $"{name} through ONNX Runtime mapped libtorch libraries");
        Assert.HasCount(expected.Count, lines, "one line per row");
        var (compared, delta) = Compare(name, served.Columns, served.ScoreColumns.Length, expected, lines);
        TestContext.WriteLine($"onnx serving child without libtorch, {name}: {compared} outputs compared, max |Δ| {delta:G3}");
        Assert.IsGreaterThan(0, compared, $"{name}: some score to compare");
        Assert.IsLessThanOrEqualTo(Tolerance, delta, name);
    }

    [TestMethod]
    public void TheSameFolderCannotScoreTheTorchSharpZip()
    {
        // The control: the app scoring a TorchSharp zip needs libtorch. TorchSharp then fails, or finds libtorch
        // outside the app folder (it also probes the NuGet package folders) — and the check of the child sees it mapped.
        var app = App();
        Assert.IsEmpty(app.TorchNativeFiles(), "the serving folder holds no libtorch native library");
        using var work = new TemporaryDirectory();
        using var fitted = OnnxServedTask.Named("text classification").FitIn(work);
        DebertaModelIO.Save(fitted.MLContext, fitted.Torch, fitted.Data.Schema, work.File("torch.zip"));

        var control = Serve(app, work.File("torch.zip"), fitted.RowsPath, ["Score"]);
        Assert.IsTrue(control.ExitCode != 0 ? control.Output.Contains("torch", StringComparison.OrdinalIgnoreCase) : control.TorchLibraries.Length > 0,
            $"exit code {control.ExitCode}, libtorch libraries mapped: '{control.TorchLibraries}'. {control.Output}");
    }

    private static LibtorchFreeAppFolder App() => _app ?? throw new AssertInconclusiveException(
        "The child reads the libraries it has mapped from /proc/self/maps (Linux).");

    /// <summary>
    /// Saves the TorchSharp step, loads it back scoring with <paramref name="runtime"/>, and saves that as
    /// <c>onnx.zip</c>: the .zip a serving app ships. Returns the loaded step (the caller disposes it).
    /// </summary>
    private static ITransformer LoadAndSave(MLContext mlContext, ITransformer torch, DataViewSchema schema, TemporaryDirectory work, DebertaScoringRuntime runtime)
    {
        DebertaModelIO.Save(mlContext, torch, schema, work.File("torch.zip"));
        var onnx = DebertaModelIO.Load(mlContext, work.File("torch.zip"), out _, runtime);
        DebertaModelIO.Save(mlContext, onnx, schema, work.File("onnx.zip"));
        using var zip = System.IO.Compression.ZipFile.OpenRead(work.File("onnx.zip"));
        Assert.IsFalse(zip.Entries.Any(e => e.FullName.EndsWith(".safetensors", StringComparison.Ordinal)), "no TorchSharp weights in the served zip");
        return onnx;
    }

    // Each line holds the columns tab-separated: the score columns first (floats as their bits in hex, values of a
    // vector comma-separated), compared within the tolerance; then the exact columns, compared as text.
    private static (int Compared, float Delta) Compare(string task, string[] columns, int scoreColumns, List<string> expected, List<string> actual)
    {
        int compared = 0;
        float delta = 0;
        for (int row = 0; row < expected.Count; row++)
        {
            var e = expected[row].Split('\t');
            var a = actual[row].Split('\t');
            for (int c = 0; c < columns.Length; c++)
            {
                if (c >= scoreColumns)
                {
                    Assert.AreEqual(e[c], a[c], $"{task}: row {row}, {columns[c]}");
                    continue;
                }
                var (x, y) = (OnnxServedTask.Floats(e[c]), OnnxServedTask.Floats(a[c]));
                Assert.HasCount(x.Count, y, $"{task}: row {row}, {columns[c]}");
                delta = Math.Max(delta, x.Zip(y, (p, q) => Math.Abs(p - q)).DefaultIfEmpty(0).Max());
                compared += x.Count;
            }
        }
        return (compared, delta);
    }

    private static (int ExitCode, string Output, List<string> Lines, string TorchLibraries) Serve(LibtorchFreeAppFolder app, string model, string rows, string[] columns)
    {
        var outputPath = Path.Combine(Path.GetDirectoryName(model)!, Path.GetFileNameWithoutExtension(model) + "-served.txt");
        var result = ChildProcess.RunDotnet([app.Program, "serve", model, rows, outputPath, .. columns], TimeSpan.FromMinutes(3));
        if (result.ExitCode != 0)
            return (result.ExitCode, result.Output, [], "");
        var lines = File.ReadAllLines(outputPath).ToList();
        Assert.StartsWith(ServingModel.TorchLibrariesPrefix, lines[^1]);
        return (0, result.Output, lines[..^1], lines[^1][ServingModel.TorchLibrariesPrefix.Length..]);
    }

}
