using Microsoft.ML.Deberta.Checkpoints;
using Microsoft.ML.Deberta.Configuration;
using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Parity;

/// <summary>
/// The model against transformers: every <c>models/&lt;variant&gt;/&lt;head&gt;/</c> folder under the golden root
/// (TestData/golden, or <c>DEBERTA_GOLDEN_ROOT</c>) is loaded and fed its stored inputs, and every stored output and
/// gradient is compared. Nothing is skipped: a folder of an unknown model type fails.
/// </summary>
[TestClass]
[TestCategory("Parity")]
public sealed class ModelParityTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void OutputsMatchTransformers()
    {
        var folders = GoldenModelFolder.FindAll();
        var trackers = new SortedDictionary<string, ToleranceTracker>(StringComparer.Ordinal);
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (var path in folders)
        {
            using var golden = GoldenModelFolder.Open(path);
            var tracker = TrackerFor(trackers, golden.ModelType);
            using var scope = NewDisposeScope();
            using var model = DebertaCheckpoint.Load(path);
            model.eval();
            var expected = GoldenRun.ReferenceOutputKeys(golden).ToList();
            bool withLabels = golden.Tensors.Keys.Any(k => k.StartsWith("label.", StringComparison.Ordinal));
            using (torch.no_grad())
            {
                var outputs = GoldenRun.Forward(model, golden, withLabels, withAttentions: expected.Any(k => k.StartsWith("attentions.", StringComparison.Ordinal)));
                foreach (var key in expected)
                {
                    if (!outputs.TryGetValue(key, out var ours))
                    {
                        tracker.Failures.Add($"{golden.Name}: no output for stored '{key}'");
                        continue;
                    }
                    tracker.Elementwise(GoldenRun.KindOf(key), $"{golden.Name}:{key}", ours, golden.Tensors[key]);
                }
            }
            counts[golden.ModelType] = counts.GetValueOrDefault(golden.ModelType) + 1;
        }

        Report("outputs", folders.Count, counts, trackers);
        Assert.IsTrue(counts.Values.Sum() > 0, $"No golden folder compared under {GoldenModelFolder.Root}.");
        failures.AddRange(trackers.Values.SelectMany(t => t.Failures));
        Assert.IsEmpty(failures, string.Join("\n", failures));
    }

    [TestMethod]
    public void GradientsMatchTransformers()
    {
        var folders = GoldenModelFolder.FindAll();
        var trackers = new SortedDictionary<string, ToleranceTracker>(StringComparer.Ordinal);
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var path in folders)
        {
            using var golden = GoldenModelFolder.Open(path);
            if (!golden.HasGradients) continue;
            var tracker = TrackerFor(trackers, golden.ModelType);
            using var scope = NewDisposeScope();
            // transformers computed the gradients in train mode with every dropout set to 0.
            using var model = DebertaCheckpoint.Load(path, new CheckpointLoadOptions { Configure = WithoutDropout });
            model.train();
            var outputs = GoldenRun.Forward(model, golden, withLabels: true, withAttentions: false);
            var loss = outputs["loss"];
            loss.backward();
            if (golden.Get("train.loss") is Tensor trainLoss)
                tracker.Elementwise("loss", $"{golden.Name}:train.loss", loss, trainLoss);

            var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var key in golden.Tensors.Keys.Where(k => k.StartsWith("grad.", StringComparison.Ordinal)).OrderBy(k => k, StringComparer.Ordinal))
            {
                var name = key["grad.".Length..];
                if (!parameters.TryGetValue(name, out var parameter))
                {
                    tracker.Failures.Add($"{golden.Name}: the model has no parameter '{name}' for stored '{key}'");
                    continue;
                }
                if (parameter.grad is not Tensor grad)
                {
                    tracker.Failures.Add($"{golden.Name}: parameter '{name}' got no gradient");
                    continue;
                }
                tracker.Scaled("grads", $"{golden.Name}:{key}", grad, golden.Tensors[key]);
            }
            counts[golden.ModelType] = counts.GetValueOrDefault(golden.ModelType) + 1;
        }

        Report("gradients", folders.Count, counts, trackers);
        if (counts.Values.Sum() == 0)
            GoldenData.NothingToCompare($"no golden folder with gradients under {GoldenModelFolder.Root}");
        var failures = trackers.Values.SelectMany(t => t.Failures).ToList();
        Assert.IsEmpty(failures, string.Join("\n", failures));
    }

    [TestMethod]
    public void PytorchBinGivesTheSameOutputsAsSafetensors()
    {
        var folders = GoldenModelFolder.FindAll().Where(f => File.Exists(Path.Combine(f, "pytorch_model.bin"))).ToList();
        var tracker = new ToleranceTracker();
        int compared = 0;
        foreach (var path in folders)
        {
            using var golden = GoldenModelFolder.Open(path);
            // A folder with only config.json and pytorch_model.bin makes the checkpoint reader take the .bin file.
            var binOnly = Path.Combine(Path.GetTempPath(), "deberta-bin-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(binOnly);
            try
            {
                File.Copy(Path.Combine(path, "config.json"), Path.Combine(binOnly, "config.json"));
                File.Copy(Path.Combine(path, "pytorch_model.bin"), Path.Combine(binOnly, "pytorch_model.bin"));
                using var scope = NewDisposeScope();
                using var fromSafetensors = DebertaCheckpoint.Load(path);
                using var fromBin = DebertaCheckpoint.Load(binOnly);
                fromSafetensors.eval();
                fromBin.eval();
                using (torch.no_grad())
                {
                    var a = GoldenRun.Forward(fromSafetensors, golden, withLabels: true, withAttentions: false);
                    var b = GoldenRun.Forward(fromBin, golden, withLabels: true, withAttentions: false);
                    foreach (var key in a.Keys.OrderBy(k => k, StringComparer.Ordinal))
                        tracker.Elementwise(GoldenRun.KindOf(key), $"{golden.Name}:{key} (bin vs safetensors)", b[key], a[key], relTol: 0);
                }
                compared++;
            }
            finally
            {
                Directory.Delete(binOnly, recursive: true);
            }
        }
        Log($"pytorch_model.bin vs model.safetensors: {compared} folder(s) compared");
        foreach (var line in tracker.Summary()) Log(line);
        if (compared == 0)
            GoldenData.NothingToCompare($"no golden folder with pytorch_model.bin under {GoldenModelFolder.Root}");
        Assert.IsEmpty(tracker.Failures, string.Join("\n", tracker.Failures));
    }

    private static void WithoutDropout(DebertaConfig c)
    {
        c.HiddenDropoutProb = 0;
        c.AttentionProbsDropoutProb = 0;
        c.PoolerDropout = 0;
        c.ClsDropout = 0;
    }

    private static ToleranceTracker TrackerFor(SortedDictionary<string, ToleranceTracker> trackers, string modelType)
    {
        if (modelType is not (DebertaConfig.V1ModelType or DebertaConfig.V2ModelType))
            Assert.Fail($"Golden folder of unsupported model_type '{modelType}': every model type must be compared.");
        if (!trackers.TryGetValue(modelType, out var tracker))
            trackers[modelType] = tracker = new ToleranceTracker();
        return tracker;
    }

    private void Report(string what, int folders, SortedDictionary<string, int> counts, SortedDictionary<string, ToleranceTracker> trackers)
    {
        Log($"Parity ({what}) under {GoldenModelFolder.Root}: {folders} folder(s) found; compared "
            + string.Join(", ", counts.Select(kv => $"{kv.Value} {kv.Key}")) + "; skipped as unsupported: 0");
        foreach (var (modelType, tracker) in trackers)
        {
            Log($"{modelType}:");
            foreach (var line in tracker.Summary()) Log(line);
        }
    }

    // TestContext output is what the console logger shows (once) and what the TRX file keeps.
    private void Log(string line) => TestContext.WriteLine(line);
}
