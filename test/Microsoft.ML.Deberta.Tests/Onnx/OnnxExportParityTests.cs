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
    public void OurExportMatchesTorchLogits() =>
        CompareEachFolder("", folder =>
        {
            var model = DebertaCheckpoint.Load(folder);
            model.eval();
            return new InferenceSession(DebertaOnnxExporter.ExportToBytes(model));
        });

    [TestMethod]
    public void TorchExportedGraphReproducesItsStoredLogits() =>
        CompareEachFolder(" (torch.onnx.export)", folder => new InferenceSession(Path.Combine(folder, "model.onnx")));

    // Opens each folder's graph, runs it on the stored inputs and compares the logits with torch's.
    private void CompareEachFolder(string label, Func<string, InferenceSession> open)
    {
        var failures = new List<string>();
        foreach (var folder in GoldenOnnxFolders.FindAll())
        {
            using var scope = NewDisposeScope();
            var golden = SafeTensorsFile.Read(Path.Combine(folder, "golden_outputs.safetensors"));
            using var session = open(folder);
            var (logits, _) = OnnxRuntimeRun.Run(session, Inputs(golden), "logits");
            float delta = OnnxRuntimeRun.MaxAbsDifference(logits, golden["logits_torch"]);
            TestContext.WriteLine($"onnx {Path.GetFileName(folder)}{label}: max |Δlogits| {delta:G3}");
            if (!(delta <= Tolerance))
                failures.Add($"{Path.GetFileName(folder)}{label}: max |Δlogits| {delta:G3} > {Tolerance:G3}");
        }
        Assert.IsEmpty(failures, string.Join("; ", failures));
    }

    // The stored inputs under the graph's input names ("input.input_ids" → "input_ids").
    internal static Dictionary<string, Tensor> Inputs(Dictionary<string, Tensor> golden) =>
        golden.Where(kv => kv.Key.StartsWith("input.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["input.".Length..], kv => kv.Value);
}
