using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Parity;

/// <summary>
/// <see cref="DebertaPrecision.BFloat16"/> inference on every golden model folder: each folder's model, loaded with
/// <see cref="CheckpointLoadOptions.Precision"/> BFloat16 and fed its stored inputs, gives logits (and start/end logits) within 0.01 of the float32 outputs transformers stored,
/// and a bare model's last hidden state within 0.03.
/// </summary>
/// <remarks>
/// The last hidden state leaves a LayerNorm, so its values are of unit scale (logits of these models are smaller):
/// bfloat16's relative 2⁻⁹ per rounding, compounded over the layers, measured up to 0.0127 there, 0.0053 in logits.
/// </remarks>
[TestClass]
[TestCategory("Parity")]
public sealed class BFloat16ParityTests
{
    private const double LogitsBound = 0.01;
    private const double HiddenStateBound = 0.03;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void LogitsStayWithinOneHundredthOfTransformersFloat32()
    {
        var folders = GoldenModelFolder.FindAll();
        var failures = new List<string>();
        int compared = 0;
        foreach (var path in folders)
        {
            using var golden = GoldenModelFolder.Open(path);
            using var scope = NewDisposeScope();
            using var model = DebertaCheckpoint.Load(path, new CheckpointLoadOptions { Precision = DebertaPrecision.BFloat16 });
            model.eval();
            Assert.AreEqual(DebertaPrecision.BFloat16, model.Precision);
            using (torch.no_grad())
            {
                var outputs = GoldenRun.Forward(model, golden, withLabels: false, withAttentions: false);
                var keys = MainOutputKeys.Where(golden.Tensors.ContainsKey).ToList();
                if (keys.Count == 0)
                {
                    failures.Add($"{golden.Name}: no logits or last_hidden_state stored");
                    continue;
                }
                long values = 0;
                double worst = 0;
                double bound = keys.Contains("last_hidden_state") ? HiddenStateBound : LogitsBound;
                foreach (var key in keys)
                {
                    var ours = outputs[key];
                    if (ours.dtype != ScalarType.Float32)
                        failures.Add($"{golden.Name}:{key} is {ours.dtype}, not Float32");
                    values += ours.numel();
                    worst = Math.Max(worst, (ours - golden.Tensors[key]).abs().max().item<float>());
                }
                TestContext.WriteLine($"bf16 {golden.Name}: {values} outputs compared, max |Δ| {worst:E2}");
                if (!(worst <= bound))
                    failures.Add($"{golden.Name}: max |Δ| {worst:E3} > {bound}");
            }
            compared++;
        }
        Assert.IsGreaterThan(0, compared, $"No golden folder compared under {GoldenModelFolder.Root}.");
        Assert.IsEmpty(failures, string.Join("\n", failures));
    }

    private static readonly string[] MainOutputKeys = ["logits", "start_logits", "end_logits", "last_hidden_state"];
}
