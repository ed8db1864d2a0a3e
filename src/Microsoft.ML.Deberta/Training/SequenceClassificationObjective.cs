using Microsoft.ML.Deberta.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Sequence classification (or regression) for <see cref="FineTuningLoop"/>: every window carries its row's target;
/// validation scores window-averaged logits with macro-F1 (accuracy logged) or RMSE.
/// </summary>
internal sealed class SequenceClassificationObjective : IFineTuningObjective
{
    private readonly DebertaForSequenceClassification _model;
    private readonly SequenceClassificationTask _task;
    private readonly IReadOnlyList<EncodedExample> _train;
    private readonly float[] _exampleTargets;
    private readonly IReadOnlyList<EncodedExample>? _validation;
    private readonly IReadOnlyList<float>? _validationTargets;
    private readonly int _batchSize;
    private readonly long _padId;

    public SequenceClassificationObjective(DebertaForSequenceClassification model, SequenceClassificationTask task,
        IReadOnlyList<EncodedExample> train, IReadOnlyList<float> trainTargets,
        IReadOnlyList<EncodedExample>? validation, IReadOnlyList<float>? validationTargets, int batchSize)
    {
        _model = model;
        _task = task;
        _train = train;
        _exampleTargets = [.. train.Select(e => trainTargets[e.SourceIndex])];
        _validation = validation;
        _validationTargets = validationTargets;
        _batchSize = batchSize;
        _padId = model.Config.PadTokenId ?? 0;
    }

    public int ExampleCount => _train.Count;

    public string? MetricName => _validation is null ? null : _task.MetricName;

    public Tensor Loss(ReadOnlySpan<int> indices, Device device)
    {
        var batch = PaddedBatch.Build(_train, indices, _padId, device);
        var labels = _task.Labels(_exampleTargets, indices, device);
        return _model.Forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, labels: labels).Loss!;
    }

    public (double Metric, double? Accuracy) Validate(CancellationToken cancellationToken)
    {
        var logits = SequenceClassificationPredictor.PredictLogits(
            _model, _validation!, _validationTargets!.Count, _batchSize, sortByLength: true, cancellationToken);
        return _task.Evaluate(logits, _validationTargets);
    }

    public bool IsImprovement(double metric, double? best, double minDelta) => _task.IsImprovement(metric, best, minDelta);
}
