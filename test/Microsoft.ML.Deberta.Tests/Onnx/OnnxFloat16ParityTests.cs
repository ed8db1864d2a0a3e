using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.Deberta.Tests.Parity;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// The float16-weight export (<see cref="OnnxWeightFormat.Float16"/>) of every <c>models/&lt;variant&gt;/&lt;head&gt;/</c>
/// folder of the golden root, run by ONNX Runtime, against our TorchSharp model in float32 (itself parity-tested
/// against transformers): the only difference is the weights' rounding to float16.
/// </summary>
[TestClass]
[TestCategory("Parity")]
public sealed class OnnxFloat16ParityTests
{
    // float16 keeps 11 significant bits: rounding moves each weight by at most 2^-11 ≈ 0.05% of itself (int8's step is
    // 8× coarser). Through the layers and layer norms that became at most 0.18% of the largest float32 output over the
    // 44 bundled folders (largest |Δ| 2.2e-3, v1_clamp_types_embproj/base's last_hidden_state; classifiers' logits
    // 3e-5 to 1.8e-4). 0.5% leaves room for other checkpoints and is far below what a wrong layout or a missing cast
    // gives (outputs of another magnitude, or noise).
    private const float RelativeBound = 0.005f;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void EveryGoldenModelAgreesWithTorchSharpFloat32WithinFloat16Rounding()
    {
        var failures = new List<string>();
        float worstRelative = 0;
        foreach (var folder in GoldenModelFolder.FindAll())
        {
            using var scope = NewDisposeScope();
            var name = Path.GetFileName(Path.GetDirectoryName(folder)) + "/" + Path.GetFileName(folder);
            var model = DebertaCheckpoint.Load(folder);
            model.eval();
            using var session = new InferenceSession(DebertaOnnxExporter.ExportToBytes(model, OnnxWeightFormat.Float16));
            var generator = new torch.Generator(11);
            int compared = 0;
            float worst = 0;
            // Length 64 is past every relative span of the golden configs and the longest absolute positions allow.
            foreach (var (batch, length) in new[] { (1, 7), (3, 33), (2, 64) })
            {
                using var shapeScope = NewDisposeScope();
                var inputs = OnnxRuntimeRun.RandomInputs(model.Config, batch, length, generator);
                foreach (var (output, expected) in OnnxExportConsistencyTests.Expected(model, inputs["input_ids"], inputs["attention_mask"], inputs["token_type_ids"]))
                {
                    var (actual, shape) = OnnxRuntimeRun.Run(session, inputs, output);
                    CollectionAssert.AreEqual(expected.shape, shape, $"{name}: shape of '{output}' at batch {batch}, length {length}");
                    float delta = OnnxRuntimeRun.MaxAbsDifference(actual, expected);
                    float magnitude = expected.abs().max().ToSingle();
                    worst = Math.Max(worst, delta);
                    worstRelative = Math.Max(worstRelative, delta / magnitude);
                    compared++;
                    if (!(delta <= RelativeBound * magnitude))
                        failures.Add($"{name}: '{output}' at batch {batch}, length {length}: max |Δ| {delta:G3} against max |float32| {magnitude:G3}");
                }
            }
            TestContext.WriteLine($"onnx fp16 {name}: {compared} outputs compared, max |Δ| {worst:G3}");
        }
        TestContext.WriteLine($"largest |Δ| relative to the largest float32 output: {worstRelative:P3}");
        Assert.IsEmpty(failures, string.Join("; ", failures));
    }
}
