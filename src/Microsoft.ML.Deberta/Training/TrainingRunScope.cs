using Microsoft.ML.Deberta.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// What every training run sets up on its model and undoes at the end: a dropout generator of the run's own, seeded
/// with the run's seed (so a run is repeatable whatever else runs meanwhile; TorchSharp's global generator is neither
/// reseeded nor drawn from), and on dispose the previous generator, the model's training/eval mode, and no gradients.
/// </summary>
internal sealed class TrainingRunScope : IDisposable
{
    private readonly DebertaPreTrainedModel _model;
    private readonly Generator _generator;
    private readonly Generator? _previousGenerator;
    private readonly bool _wasTraining;

    public TrainingRunScope(DebertaPreTrainedModel model, int seed)
    {
        _model = model;
        _wasTraining = model.training;
        _generator = new Generator(unchecked((ulong)seed));
        _previousGenerator = model.DropoutGenerator;
        model.DropoutGenerator = _generator;
    }

    /// <summary>The run's dropout generator (a training checkpoint saves and restores its state).</summary>
    public Generator DropoutGenerator => _generator;

    public void Dispose()
    {
        _model.DropoutGenerator = _previousGenerator;
        _generator.Dispose();
        _model.zero_grad(set_to_none: true); // gradients are as large as the model; nothing reads them after training
        if (_wasTraining) _model.train();
        else _model.eval();
    }
}
