using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Parity;

/// <summary>Compares tensors with the parity tolerances and remembers the largest |Δ| per output kind.</summary>
internal sealed class ToleranceTracker
{
    private readonly Dictionary<string, (double MaxAbs, double MaxRel, string Where)> worst = new();

    public List<string> Failures { get; } = new();

    /// <summary>Elementwise |ours − ref| ≤ relTol · max(1, |ref|).</summary>
    public void Elementwise(string kind, string where, Tensor ours, Tensor reference, double relTol = 1e-5)
    {
        using var scope = NewDisposeScope();
        if (!ShapesAgree(kind, where, ours, reference)) return;
        var a = ours.detach().to_type(ScalarType.Float64).flatten();
        var b = reference.to_type(ScalarType.Float64).flatten();
        var diff = (a - b).abs();
        var scale = b.abs().clamp_min(1.0);
        double maxAbs = diff.max().item<double>();
        double maxRel = (diff / scale).max().item<double>();
        Record(kind, where, maxAbs, maxRel);
        if (maxRel > relTol || double.IsNaN(maxAbs))
            Failures.Add($"{where}: max |Δ| {maxAbs:E3} (relative {maxRel:E3}) exceeds {relTol:E0}·max(1,|ref|)");
    }

    /// <summary>Whole-tensor scale: |ours − ref| ≤ relTol · max(1, max |ref|).</summary>
    public void Scaled(string kind, string where, Tensor ours, Tensor reference, double relTol = 1e-4)
    {
        using var scope = NewDisposeScope();
        if (!ShapesAgree(kind, where, ours, reference)) return;
        var a = ours.detach().to_type(ScalarType.Float64).flatten();
        var b = reference.to_type(ScalarType.Float64).flatten();
        double maxAbs = (a - b).abs().max().item<double>();
        double scale = Math.Max(1.0, b.abs().max().item<double>());
        Record(kind, where, maxAbs, maxAbs / scale);
        if (maxAbs > relTol * scale || double.IsNaN(maxAbs))
            Failures.Add($"{where}: max |Δ| {maxAbs:E3} exceeds {relTol:E0}·{scale:G4}");
    }

    public IEnumerable<string> Summary() =>
        worst.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"  {kv.Key,-18} max |Δ| {kv.Value.MaxAbs:E3}  max rel {kv.Value.MaxRel:E3}  ({kv.Value.Where})");

    private bool ShapesAgree(string kind, string where, Tensor ours, Tensor reference)
    {
        // transformers stores scalar losses as [1]; compare by element count and values.
        if (ours.numel() == reference.numel() && (ours.shape.SequenceEqual(reference.shape) || ours.numel() == 1))
            return true;
        Failures.Add($"{where}: shape [{string.Join(",", ours.shape)}] vs reference [{string.Join(",", reference.shape)}]");
        return false;
    }

    private void Record(string kind, string where, double maxAbs, double maxRel)
    {
        if (!worst.TryGetValue(kind, out var w) || maxAbs > w.MaxAbs || double.IsNaN(maxAbs))
            worst[kind] = (maxAbs, Math.Max(maxRel, w.MaxRel), where);
        else if (maxRel > w.MaxRel)
            worst[kind] = (w.MaxAbs, maxRel, w.Where);
    }
}
