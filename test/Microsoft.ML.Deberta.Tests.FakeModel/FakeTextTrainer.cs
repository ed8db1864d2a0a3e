using Microsoft.ML.Deberta.MLNet;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Deberta.Tests.FakeModel;

/// <summary>
/// Stands in for the DeBERTa training loop behind <see cref="IDebertaTextTrainer"/>: nearest class centroid on hashed
/// trigrams (classification) or a few steps of least squares (regression), deterministic. Records what it was given.
/// </summary>
public sealed class FakeTextTrainer : IDebertaTextTrainer
{
    /// <summary>When set, the trained scorer has this many outputs (to test the size check).</summary>
    public int? OutputSizeOverride { get; init; }

    /// <summary>When set, the "model" only fits this many classes (stands in for a checkpoint whose head does not fit).</summary>
    public int? ModelClassCount { get; init; }

    internal TextTrainingSet? LastTrainingSet { get; private set; }

    internal TextTrainingSet? LastValidationSet { get; private set; }

    internal TextTrainingContext? LastContext { get; private set; }

    public int Calls { get; private set; }

    public FakeTextScorer? LastScorer { get; private set; }

    void IDebertaTextTrainer.CheckTask(TextTask task, int classCount, IReadOnlyList<string>? classNames)
    {
        if (ModelClassCount is { } count && count != classCount)
            throw new ArgumentException($"The model folder's classifier has {count} classes; the label has {classCount}.");
    }

    IDebertaTextScorer IDebertaTextTrainer.Train(TextTrainingSet trainingSet, TextTrainingSet? validationSet, TextTrainingContext context)
    {
        Calls++;
        LastTrainingSet = trainingSet;
        LastValidationSet = validationSet;
        LastContext = context;
        context.Channel.Info(MessageSensitivity.None, $"fake training on {trainingSet.Count} rows");
        var features = trainingSet.Texts.Select((t, i) => HashedFeatures.Of(t, trainingSet.Pairs?[i])).ToArray();
        var scorer = trainingSet.Task == TextTask.Regression ? Regression(features, trainingSet.Targets!) : Centroids(features, trainingSet);
        if (OutputSizeOverride is { } size)
            scorer = FakeTextScorer.Random(size, context.Seed);
        LastScorer = scorer;
        return scorer;
    }

    private static FakeTextScorer Centroids(float[][] features, TextTrainingSet set)
    {
        int classes = set.ClassCount;
        var weights = new float[classes][];
        var counts = new int[classes];
        for (int c = 0; c < classes; c++)
            weights[c] = new float[HashedFeatures.Size];
        for (int r = 0; r < features.Length; r++)
        {
            int c = set.ClassIndices![r];
            counts[c]++;
            for (int i = 0; i < HashedFeatures.Size; i++)
                weights[c][i] += features[r][i];
        }
        for (int c = 0; c < classes; c++)
            for (int i = 0; i < HashedFeatures.Size; i++)
                weights[c][i] = counts[c] == 0 ? 0 : 10 * weights[c][i] / counts[c];
        return new FakeTextScorer(weights, new float[classes]);
    }

    private static FakeTextScorer Regression(float[][] features, IReadOnlyList<float> targets)
    {
        var w = new double[HashedFeatures.Size];
        double b = targets.Average();
        for (int step = 0; step < 300; step++)
        {
            var grad = new double[w.Length];
            for (int r = 0; r < features.Length; r++)
            {
                double error = b - targets[r];
                for (int i = 0; i < w.Length; i++)
                    error += w[i] * features[r][i];
                for (int i = 0; i < w.Length; i++)
                    grad[i] += error * features[r][i] / features.Length;
            }
            for (int i = 0; i < w.Length; i++)
                w[i] -= 2.0 * grad[i];
        }
        return new FakeTextScorer([w.Select(x => (float)x).ToArray()], [(float)b]);
    }
}
