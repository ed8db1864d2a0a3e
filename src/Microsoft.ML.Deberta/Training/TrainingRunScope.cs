using Microsoft.ML.Deberta.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// What every training run sets up on its model and undoes at the end: a dropout generator of the run's own, seeded
/// with the run's seed (so a run is repeatable whatever else runs meanwhile; TorchSharp's global generator is neither
/// reseeded nor drawn from), the precision the encoder computes its products in (<see cref="DebertaModel.AutocastPrecision"/>:
/// bfloat16 compute from the float32 master weights, for every forward pass of the run, validation included), and on
/// dispose the previous generator and precision, the model's training/eval mode, and no gradients.
/// </summary>
internal sealed class TrainingRunScope : IDisposable
{
    private readonly DebertaPreTrainedModel _model;
    private readonly Generator _generator;
    private readonly Generator? _previousGenerator;
    private readonly bool _wasTraining;
    private readonly DebertaPrecision _previousPrecision;

    public TrainingRunScope(DebertaPreTrainedModel model, int seed, DebertaPrecision precision = DebertaPrecision.Float32)
    {
        _model = model;
        _wasTraining = model.training;
        _generator = new Generator(unchecked((ulong)seed));
        _previousGenerator = model.DropoutGenerator;
        model.DropoutGenerator = _generator;
        _previousPrecision = model.Backbone.AutocastPrecision;
        model.Backbone.AutocastPrecision = precision;
    }

    /// <summary>The run's dropout generator (a training checkpoint saves and restores its state).</summary>
    public Generator DropoutGenerator => _generator;

    public void Dispose()
    {
        _model.DropoutGenerator = _previousGenerator;
        _model.Backbone.AutocastPrecision = _previousPrecision;
        _generator.Dispose();
        _model.zero_grad(set_to_none: true); // gradients are as large as the model; nothing reads them after training
        if (_wasTraining) _model.train();
        else _model.eval();
    }
}
