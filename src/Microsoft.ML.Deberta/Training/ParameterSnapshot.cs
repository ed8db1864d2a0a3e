using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// CPU copies of a model's parameters (the best epoch's weights), restorable into the same model. Buffers are not
/// copied: fine-tuning never changes them.
/// </summary>
internal sealed class ParameterSnapshot : IDisposable
{
    private readonly List<(string Name, Tensor Value)> _values;

    private ParameterSnapshot(List<(string Name, Tensor Value)> values) => _values = values;

    /// <summary>Copies every parameter to the CPU.</summary>
    public static ParameterSnapshot Capture(nn.Module model)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var values = new List<(string, Tensor)>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            // detach() shares storage (and cpu() too for a CPU tensor): clone so later steps do not change the copy.
            var copy = parameter.detach().cpu().clone();
            copy.DetachFromDisposeScope();
            values.Add((name, copy));
        }
        return new ParameterSnapshot(values);
    }

    /// <summary>Writes the copies back into the model's parameters (same names, shapes and order).</summary>
    public void RestoreInto(nn.Module model)
    {
        using var noGrad = torch.no_grad();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, value) in _values)
            parameters[name].copy_(value);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, value) in _values) value.Dispose();
        _values.Clear();
    }
}
