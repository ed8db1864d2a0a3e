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

    /// <summary>Writes the copies (a training checkpoint's best-epoch weights).</summary>
    public void Write(BinaryWriter writer) => WriteParameters(_values, writer);

    /// <summary>Reads copies written by <see cref="Write"/> for a model with these parameters (same names, shapes and order).</summary>
    /// <exception cref="InvalidDataException">The stream holds other parameters.</exception>
    public static ParameterSnapshot Read(BinaryReader reader, nn.Module model)
    {
        var values = model.named_parameters().Select(p =>
        {
            var copy = torch.zeros_like(p.parameter, device: torch.CPU);
            copy.DetachFromDisposeScope();
            return (p.name, copy);
        }).ToList();
        var snapshot = new ParameterSnapshot(values);
        try
        {
            ReadParameters(values, reader);
            return snapshot;
        }
        catch
        {
            snapshot.Dispose();
            throw;
        }
    }

    /// <summary>Writes named tensors: their count, then each name and tensor (TorchSharp's tensor format, exact bytes).</summary>
    public static void WriteParameters(IEnumerable<(string Name, Tensor Value)> parameters, BinaryWriter writer)
    {
        var list = parameters.ToList();
        writer.Write(list.Count);
        foreach (var (name, value) in list)
        {
            writer.Write(name);
            using var data = value.detach();
            data.Save(writer);
        }
    }

    /// <summary>Reads what <see cref="WriteParameters"/> wrote into tensors of the same names, shapes and order.</summary>
    /// <exception cref="InvalidDataException">The stream holds other parameters.</exception>
    public static void ReadParameters(IReadOnlyList<(string Name, Tensor Value)> targets, BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count != targets.Count)
            throw new InvalidDataException($"it holds {count} parameters where the model has {targets.Count}");
        using var noGrad = torch.no_grad();
        foreach (var (name, target) in targets)
        {
            var stored = reader.ReadString();
            if (stored != name)
                throw new InvalidDataException($"it holds parameter '{stored}' where the model has '{name}'");
            using var data = target.detach();
            data.Load(reader);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, value) in _values) value.Dispose();
        _values.Clear();
    }
}
