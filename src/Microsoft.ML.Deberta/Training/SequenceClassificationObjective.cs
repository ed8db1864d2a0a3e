using Microsoft.ML.Deberta.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// The sequence classification/regression head's part of <see cref="FineTuningLoop"/>: every window is an example with
/// its source row's target; the loss is the model's own; validation scores window-averaged logits (macro-F1 with
/// accuracy beside it, or RMSE).
/// </summary>
internal sealed class SequenceClassificationObjective(
    SequenceClassificationTask task, DebertaForSequenceClassification model,
    IReadOnlyList<EncodedExample> train, IReadOnlyList<float> trainTargets,
    IReadOnlyList<EncodedExample>? validation, IReadOnlyList<float>? validationTargets) : IFineTuningObjective
{
    private readonly float[] _exampleTargets = train.Select(e => trainTargets[e.SourceIndex]).ToArray();
    private readonly long _padId = model.Config.PadTokenId ?? 0;
    private readonly Device _device = SequenceClassificationPredictor.ModelDevice(model);

    public int ExampleCount => train.Count;

    public bool HasValidation => validation is not null;

    public string MetricName => task.MetricName;

    public Tensor Loss(ReadOnlySpan<int> indices)
    {
        var batch = PaddedBatch.Build(train, indices, _padId, _device);
        var labels = task.Labels(_exampleTargets, indices, _device);
        return model.Forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, labels: labels).Loss!;
    }

    public (double Metric, string? Detail) Validate(int batchSize, CancellationToken cancellationToken)
    {
        var logits = SequenceClassificationPredictor.PredictLogits(
            model, validation!, validationTargets!.Count, batchSize, sortByLength: true, cancellationToken);
        (double metric, double? accuracy) = task.Evaluate(logits, validationTargets);
        return (metric, accuracy is double a ? $"accuracy {FineTuningLoop.Format(a)}" : null);
    }

    public bool IsImprovement(double metric, double? best, double minDelta) => task.IsImprovement(metric, best, minDelta);
}
