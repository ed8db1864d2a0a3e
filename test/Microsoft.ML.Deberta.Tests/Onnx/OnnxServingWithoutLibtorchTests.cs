using System.Globalization;
using Microsoft.ML.Deberta.Tests.Checkpoints;
using Microsoft.ML.Deberta.Tests.FakeModel;
using Microsoft.ML.Deberta.Tests.MLNet;
using Microsoft.ML.Deberta.Tests.MLNet.TokenClassification;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// A serving app that scores through ONNX Runtime never loads libtorch: a child process whose folder holds no libtorch
/// native library loads a .zip saved from an ONNX-scored model and scores as TorchSharp does, while the same folder
/// cannot score the TorchSharp .zip (so the folder really lacks libtorch).
/// </summary>
[TestClass]
public sealed class OnnxServingWithoutLibtorchTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void AChildWithoutLibtorchScoresTheOnnxZipAsTorchSharpDoes()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Inconclusive("The child reads the libraries it has mapped from /proc/self/maps (Linux).");
        using var checkpoint = CheckpointFolder.FromGolden("v1_rel_c2p_p2c", "seqcls");
        using var work = new TemporaryDirectory();
        var mlContext = new MLContext(seed: 1);
        var rowsPath = work.Write("rows.tsv", string.Join("\n", DebertaTestData.SingleCharacterTexts(6, seed: 8)));
        var data = mlContext.Data.LoadFromEnumerable(TextRow.ReadTsv(rowsPath));
        using var torch = mlContext.Transforms.Deberta.ApplyTextModel(checkpoint.Path, batchSize: 4).Fit(data);
        var expected = Floats(PredictionDump.Lines(torch.Transform(data), "Score"));
        var torchZip = work.File("torch.zip");
        DebertaModelIO.Save(mlContext, torch, data.Schema, torchZip);
        using (var onnx = DebertaModelIO.Load(mlContext, torchZip, out _, DebertaScoringRuntime.OnnxRuntime) as TextScoringTransformer)
            DebertaModelIO.Save(mlContext, onnx!, data.Schema, work.File("onnx.zip"));

        using var app = new LibtorchFreeAppFolder();
        Assert.IsEmpty(app.TorchNativeFiles(), "the serving folder holds no libtorch native library");
        var (exitCode, output, lines, torchLibraries) = Serve(app, work.File("onnx.zip"), rowsPath);
        Assert.AreEqual(0, exitCode, output);
        Assert.AreEqual("", torchLibraries, "scoring through ONNX Runtime mapped libtorch libraries");
        var actual = Floats(lines);
        Assert.HasCount(expected.Count, actual);
        float delta = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        TestContext.WriteLine($"onnx serving child without libtorch: {actual.Count} outputs compared, max |Δ| {delta:G3}");
        Assert.IsLessThanOrEqualTo(1e-4f, delta);

        // A NER step (the structured seam) served the same way.
        using (var ner = mlContext.Transforms.Deberta.ApplyTokenClassificationModel(NerData.PipelineTokenClassifier, maxLength: 16).Fit(data))
        {
            var nerExpected = Floats(PredictionDump.Lines(ner.Transform(data), "Score"));
            DebertaModelIO.Save(mlContext, ner, data.Schema, work.File("ner-torch.zip"));
            using (var onnxNer = DebertaModelIO.Load(mlContext, work.File("ner-torch.zip"), out _, DebertaScoringRuntime.OnnxRuntime) as StructuredScoringTransformer)
                DebertaModelIO.Save(mlContext, onnxNer!, data.Schema, work.File("ner-onnx.zip"));
            var nerServed = Serve(app, work.File("ner-onnx.zip"), rowsPath);
            Assert.AreEqual(0, nerServed.ExitCode, nerServed.Output);
            Assert.AreEqual("", nerServed.TorchLibraries, "NER through ONNX Runtime mapped libtorch libraries");
            var nerActual = Floats(nerServed.Lines);
            Assert.HasCount(nerExpected.Count, nerActual);
            float nerDelta = nerExpected.Zip(nerActual, (a, b) => Math.Abs(a - b)).Max();
            TestContext.WriteLine($"onnx serving child without libtorch, NER: {nerActual.Count} outputs compared, max |Δ| {nerDelta:G3}");
            Assert.IsLessThanOrEqualTo(1e-4f, nerDelta);
        }

        // The control: the same app scoring the TorchSharp zip needs libtorch. TorchSharp then fails, or finds libtorch
        // outside the app folder (it also probes the NuGet package folders) — and the check above sees it mapped.
        var control = Serve(app, torchZip, rowsPath);
        Assert.IsTrue(control.ExitCode != 0 ? control.Output.Contains("torch", StringComparison.OrdinalIgnoreCase) : control.TorchLibraries.Length > 0,
            $"exit code {control.ExitCode}, libtorch libraries mapped: '{control.TorchLibraries}'. {control.Output}");
    }

    private static (int ExitCode, string Output, List<string> Lines, string TorchLibraries) Serve(LibtorchFreeAppFolder app, string model, string rows)
    {
        var outputPath = Path.Combine(Path.GetDirectoryName(model)!, Path.GetFileNameWithoutExtension(model) + "-served.txt");
        var result = ChildProcess.RunDotnet([app.Program, "serve", model, rows, outputPath], TimeSpan.FromMinutes(3));
        if (result.ExitCode != 0)
            return (result.ExitCode, result.Output, [], "");
        var lines = File.ReadAllLines(outputPath).ToList();
        const string prefix = "torch-libraries:";
        Assert.StartsWith(prefix, lines[^1]);
        return (0, result.Output, lines[..^1], lines[^1][prefix.Length..]);
    }

    // PredictionDump writes each float as its bits in hex, values of a vector comma-separated.
    private static List<float> Floats(IEnumerable<string> lines) => [.. lines.SelectMany(l => l.Split(','))
        .Select(bits => BitConverter.Int32BitsToSingle(int.Parse(bits, NumberStyles.HexNumber, CultureInfo.InvariantCulture)))];
}
