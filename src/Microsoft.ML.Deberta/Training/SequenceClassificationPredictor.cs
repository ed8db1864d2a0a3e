using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>Batched inference of a sequence classification/regression head over pre-tokenized examples.</summary>
internal static class SequenceClassificationPredictor
{
    /// <summary>
    /// Runs the model over the examples in padded batches (no_grad, eval mode, dispose scopes) and returns one row of
    /// logits per source row, averaging the logits of windows that share a source row.
    /// </summary>
    /// <remarks>
    /// Examples are batched in order of length so that a batch pads little; the result is in source-row order. The
    /// model runs in eval mode and gets its previous mode back afterwards; a model already in eval mode is not
    /// touched, so several threads may score with one model in eval mode at the same time. The logits are raw
    /// (no softmax).
    /// </remarks>
    /// <param name="model">The model.</param>
    /// <param name="examples">Encoded examples.</param>
    /// <param name="sourceCount">Number of source rows (every row must have at least one example).</param>
    /// <param name="batchSize">Examples per forward pass.</param>
    /// <param name="cancellationToken">Checked before every batch; cancelling throws <see cref="OperationCanceledException"/>.</param>
    /// <returns><paramref name="sourceCount"/> arrays of num_labels logits.</returns>
    /// <exception cref="ArgumentException">An example is empty, too long for the model, holds ids outside the
    /// vocabulary, or belongs to no source row in range; or some source row has no example.</exception>
    public static float[][] PredictLogits(
        DebertaForSequenceClassification model, IReadOnlyList<EncodedExample> examples, int sourceCount, int batchSize,
        CancellationToken cancellationToken = default)
        => PredictLogits(model, examples, sourceCount, batchSize, sortByLength: true, cancellationToken);

    /// <summary><see cref="PredictLogits(DebertaForSequenceClassification, IReadOnlyList{EncodedExample}, int, int, CancellationToken)"/>, optionally without the length sort (to measure what it saves).</summary>
    internal static float[][] PredictLogits(
        DebertaForSequenceClassification model, IReadOnlyList<EncodedExample> examples, int sourceCount, int batchSize,
        bool sortByLength, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfNegative(sourceCount);
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        EncodedExampleValidator.Check(model.Config, examples, sourceCount, nameof(examples), nameof(sourceCount));

        int numLabels = model.Config.NumLabels;
        var sums = new double[sourceCount * numLabels];
        var windows = new int[sourceCount];
        BatchedInference.Run(model, examples, batchSize, sortByLength, cancellationToken, (indices, batch) =>
        {
            var output = model.Forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
            var logits = output.Logits.to_type(ScalarType.Float32).cpu().data<float>().ToArray();
            for (int r = 0; r < indices.Length; r++)
            {
                int source = examples[indices[r]].SourceIndex;
                windows[source]++;
                for (int c = 0; c < numLabels; c++)
                    sums[source * numLabels + c] += logits[r * numLabels + c];
            }
        });

        var result = new float[sourceCount][];
        for (int s = 0; s < sourceCount; s++)
        {
            result[s] = new float[numLabels];
            for (int c = 0; c < numLabels; c++)
                result[s][c] = (float)(sums[s * numLabels + c] / windows[s]);
        }
        return result;
    }

    internal static Device ModelDevice(nn.Module model)
    {
        foreach (var parameter in model.parameters())
            return parameter.device;
        return torch.CPU;
    }
}
