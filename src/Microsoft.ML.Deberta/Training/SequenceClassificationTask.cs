using System.Globalization;
using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// What a sequence classification head's config makes of one target per row: class indices for cross-entropy, or a
/// value for mean squared error (transformers' problem_type / num_labels rules, spec §6.2), and how such targets are
/// checked, batched and scored.
/// </summary>
internal sealed class SequenceClassificationTask
{
    private SequenceClassificationTask(bool isRegression, int numLabels)
    {
        IsRegression = isRegression;
        NumLabels = numLabels;
    }

    /// <summary>Whether the head regresses one value (MSE) rather than classifying (cross-entropy).</summary>
    public bool IsRegression { get; }

    /// <summary>The head's output width.</summary>
    public int NumLabels { get; }

    /// <summary>The validation metric: macro-F1 (higher is better) or RMSE (lower is better).</summary>
    public string MetricName => IsRegression ? "RMSE" : "macro-F1";

    /// <summary>Reads the task from a config; multi-label heads (one target per label) are not trained here.</summary>
    public static SequenceClassificationTask Of(DebertaConfig config)
    {
        int numLabels = config.NumLabels;
        return config.ProblemType switch
        {
            ProblemType.MultiLabelClassification => throw new NotSupportedException(
                "The model's problem_type is multi_label_classification; this trainer takes one target per row (single-label classification or regression)."),
            ProblemType.Regression when numLabels != 1 => throw new NotSupportedException(
                $"The model regresses {numLabels} values (problem_type regression, num_labels {numLabels}); this trainer takes one target per row, so num_labels must be 1."),
            ProblemType.Regression => new SequenceClassificationTask(true, 1),
            ProblemType.SingleLabelClassification => new SequenceClassificationTask(false, numLabels),
            _ => new SequenceClassificationTask(numLabels == 1, numLabels),
        };
    }

    /// <summary>Throws unless every target is a number, and for classification a class index in [0, num_labels).</summary>
    public void CheckTargets(IReadOnlyList<float> targets, string name)
    {
        for (int i = 0; i < targets.Count; i++)
        {
            float target = targets[i];
            string text = target.ToString(CultureInfo.InvariantCulture);
            if (!float.IsFinite(target))
                throw new ArgumentException($"{name}[{i}] is {text}; targets must be finite numbers.", name);
            if (!IsRegression && (target < 0 || target >= NumLabels || target != MathF.Floor(target)))
                throw new ArgumentException(
                    $"{name}[{i}] is {text}, not a class index in 0…{NumLabels - 1} (the model has num_labels {NumLabels}).", name);
        }
    }

    /// <summary>The labels tensor of a batch: int64 class indices or float32 values, as the model's loss expects.</summary>
    public Tensor Labels(float[] exampleTargets, ReadOnlySpan<int> indices, Device device)
    {
        if (IsRegression)
        {
            var values = new float[indices.Length];
            for (int i = 0; i < values.Length; i++) values[i] = exampleTargets[indices[i]];
            return torch.tensor(values, device: device);
        }
        var classes = new long[indices.Length];
        for (int i = 0; i < classes.Length; i++) classes[i] = (long)exampleTargets[indices[i]];
        return torch.tensor(classes, device: device);
    }

    /// <summary>The validation metric of per-row logits against the targets, and for classification the accuracy.</summary>
    public (double Metric, double? Accuracy) Evaluate(float[][] logits, IReadOnlyList<float> targets)
    {
        if (IsRegression)
            return (ValidationMetrics.RootMeanSquaredError(logits.Select(l => l[0]).ToArray(), targets), null);
        var predicted = logits.Select(ArgMax).ToArray();
        var truth = targets.Select(t => (int)t).ToArray();
        return (ValidationMetrics.MacroF1(truth, predicted), ValidationMetrics.Accuracy(truth, predicted));
    }

    /// <summary>Whether <paramref name="metric"/> beats <paramref name="best"/> by more than <paramref name="minDelta"/>.</summary>
    public bool IsImprovement(double metric, double? best, double minDelta) =>
        best is not double b || (IsRegression ? metric < b - minDelta : metric > b + minDelta);

    private static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
