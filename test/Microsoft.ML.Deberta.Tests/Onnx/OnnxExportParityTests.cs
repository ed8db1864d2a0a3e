using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// Our ONNX export against transformers: every <c>onnx/&lt;name&gt;/</c> folder of the golden root holds a checkpoint,
/// the inputs and torch's logits; we load the checkpoint, export it with our own exporter, score it with ONNX
/// Runtime and compare. The folder's own <c>model.onnx</c> (exported by torch) is scored too, so transformers'
/// exports are known to run the same way.
/// </summary>
[TestClass]
[TestCategory("Parity")]
public sealed class OnnxExportParityTests
{
    private const float Tolerance = 1e-5f;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void OurExportMatchesTorchLogits()
    {
        var failures = new List<string>();
        foreach (var folder in Folders())
        {
            using var scope = NewDisposeScope();
            var golden = SafeTensorsFile.Read(Path.Combine(folder, "golden_outputs.safetensors"));
            var model = DebertaCheckpoint.Load(folder);
            model.eval();
            using var session = new InferenceSession(DebertaOnnxExporter.ExportToBytes(model));
            var (logits, _) = OnnxRuntimeRun.Run(session, Inputs(golden), "logits");
            float delta = OnnxRuntimeRun.MaxAbsDifference(logits, golden["logits_torch"]);
            TestContext.WriteLine($"onnx {Path.GetFileName(folder)}: max |Δlogits| {delta:G3}");
            if (!(delta <= Tolerance))
                failures.Add($"{Path.GetFileName(folder)}: max |Δlogits| {delta:G3} > {Tolerance:G3}");
        }
        Assert.IsEmpty(failures, string.Join("; ", failures));
    }

    [TestMethod]
    public void TorchExportedGraphReproducesItsStoredLogits()
    {
        var failures = new List<string>();
        foreach (var folder in Folders())
        {
            using var scope = NewDisposeScope();
            var golden = SafeTensorsFile.Read(Path.Combine(folder, "golden_outputs.safetensors"));
            using var session = new InferenceSession(Path.Combine(folder, "model.onnx"));
            var (logits, _) = OnnxRuntimeRun.Run(session, Inputs(golden), "logits");
            float delta = OnnxRuntimeRun.MaxAbsDifference(logits, golden["logits_torch"]);
            TestContext.WriteLine($"onnx {Path.GetFileName(folder)} (torch.onnx.export): max |Δlogits| {delta:G3}");
            if (!(delta <= Tolerance))
                failures.Add($"{Path.GetFileName(folder)} (torch export): max |Δlogits| {delta:G3}");
        }
        Assert.IsEmpty(failures, string.Join("; ", failures));
    }

    // The stored inputs under the graph's input names ("input.input_ids" → "input_ids").
    internal static Dictionary<string, Tensor> Inputs(Dictionary<string, Tensor> golden) =>
        golden.Where(kv => kv.Key.StartsWith("input.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["input.".Length..], kv => kv.Value);

    // Every onnx/<name>/ folder with a checkpoint and reference outputs, in a stable order.
    private static IReadOnlyList<string> Folders()
    {
        var root = GoldenData.RequireFolder("onnx");
        var folders = Directory.GetDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "config.json")) && File.Exists(Path.Combine(d, "golden_outputs.safetensors")))
            .OrderBy(d => d, StringComparer.Ordinal)
            .ToList();
        if (folders.Count == 0)
            GoldenData.NothingToCompare($"the golden root's onnx/ folder holds no model folders");
        return folders;
    }
}
