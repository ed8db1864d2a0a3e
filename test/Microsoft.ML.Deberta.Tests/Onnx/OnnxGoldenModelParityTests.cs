using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Onnx;
using Microsoft.ML.Deberta.Tests.Parity;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Onnx;

/// <summary>
/// Our export of every <c>models/&lt;variant&gt;/&lt;head&gt;/</c> folder of the golden root, run by ONNX Runtime,
/// against our TorchSharp model in float32 (itself parity-tested against transformers), every output of the head at
/// several batch sizes and lengths — the longest past the config's relative-position span, and past
/// max_position_embeddings where the config has no absolute positions: float32 within 1e-4, and the float16-weight
/// variant (<see cref="OnnxWeightFormat.Float16"/>) within float16 rounding.
/// </summary>
[TestClass]
[TestCategory("Parity")]
public sealed class OnnxGoldenModelParityTests
{
    // ONNX Runtime fuses ops (Gelu, LayerNorm, MatMul+Add), which changes float32 rounding: 1e-4 is the bound;
    // the bundled folders' largest difference is printed per folder.
    private const float Float32Bound = 1e-4f;

    // float16 keeps 11 significant bits: rounding moves each weight by at most 2^-11 ≈ 0.05% of itself (int8's step is
    // 8× coarser). Through the layers and layer norms that became at most 0.18% of the largest float32 output over the
    // 44 bundled folders (largest |Δ| 2.2e-3, v1_clamp_types_embproj/base's last_hidden_state; classifiers' logits
    // 3e-5 to 1.8e-4). 0.5% leaves room for other checkpoints and is far below what a wrong layout or a missing cast
    // gives (outputs of another magnitude, or noise).
    private const float Float16RelativeBound = 0.005f;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void EveryGoldenModelAgreesWithTorchSharp()
    {
        var failures = CompareEveryFolder(OnnxWeightFormat.Float32, "onnx", (delta, _) => delta <= Float32Bound);
        Assert.IsEmpty(failures, string.Join("; ", failures));
    }

    [TestMethod]
    public void EveryGoldenModelAgreesWithTorchSharpFloat32WithinFloat16Rounding()
    {
        float worstRelative = 0;
        var failures = CompareEveryFolder(OnnxWeightFormat.Float16, "onnx fp16", (delta, magnitude) =>
        {
            worstRelative = Math.Max(worstRelative, delta / magnitude);
            return delta <= Float16RelativeBound * magnitude;
        });
        TestContext.WriteLine($"largest |Δ| relative to the largest float32 output: {worstRelative:P3}");
        Assert.IsEmpty(failures, string.Join("; ", failures));
    }

    // Prints one line per folder, "<prefix> <variant>/<head>: <n> outputs compared, max |Δ| <x>"; returns what failed.
    private List<string> CompareEveryFolder(OnnxWeightFormat format, string prefix, Func<float, float, bool> withinBound)
    {
        var failures = new List<string>();
        foreach (var folder in GoldenModelFolder.FindAll())
        {
            using var scope = NewDisposeScope();
            var name = Path.GetFileName(Path.GetDirectoryName(folder)) + "/" + Path.GetFileName(folder);
            var model = DebertaCheckpoint.Load(folder);
            model.eval();
            using var session = new InferenceSession(DebertaOnnxExporter.ExportToBytes(model, format));
            var generator = new torch.Generator(11);
            int compared = 0;
            float worst = 0;
            foreach (var (batch, length) in Shapes(model.Config))
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
                    compared++;
                    if (!withinBound(delta, magnitude))
                        failures.Add($"{name}: '{output}' at batch {batch}, length {length}: max |Δ| {delta:G3} against max |float32| {magnitude:G3}");
                }
            }
            TestContext.WriteLine($"{prefix} {name}: {compared} outputs compared, max |Δ| {worst:G3}");
        }
        return failures;
    }

    // Batch 1 and short, batch 3 at mid length, batch 2 at the longest the config allows: past max_position_embeddings
    // when positions are only relative (relative attention has no absolute limit), else max_position_embeddings itself;
    // either is past every relative span of the bundled configs (8 or 16 positions, or buckets).
    private static (int Batch, int Length)[] Shapes(DebertaConfig config) =>
        [(1, 7), (3, 33), (2, config.PositionBiasedInput ? config.MaxPositionEmbeddings : config.MaxPositionEmbeddings + 16)];
}
