using Microsoft.ML.Deberta.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>Batched text embeddings from a DeBERTa backbone: the last layer pooled per example, windows averaged per row.</summary>
internal static class EmbeddingPredictor
{
    /// <summary>
    /// Runs the backbone over the examples in length-sorted padded batches (no_grad, dispose scopes), pools each
    /// example's last hidden state over its attention mask, averages the examples (windows) of each source row, and
    /// optionally scales each row's vector to unit L2 norm (after averaging, so a normalised vector stays normalised).
    /// </summary>
    /// <returns><paramref name="sourceCount"/> vectors of hidden_size values, in source-row order.</returns>
    /// <exception cref="ArgumentException">An example is empty, too long, holds ids outside the vocabulary, or some source row has no example.</exception>
    public static float[][] Embed(DebertaModel model, IReadOnlyList<EncodedExample> examples, int sourceCount, int batchSize,
        EmbeddingPooling pooling, bool normalize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        if (!Enum.IsDefined(pooling))
            throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "Unknown pooling.");
        EncodedExampleValidator.Check(model.Config, examples, sourceCount, nameof(examples), nameof(sourceCount));

        int size = model.Config.HiddenSize;
        var sums = new double[sourceCount * size];
        var windows = new int[sourceCount];
        BatchedInference.Run(model, examples, batchSize, sortByLength: true, cancellationToken, (indices, batch) =>
        {
            var hidden = model.ForwardPaddingUnread(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds).LastHiddenState.to_type(ScalarType.Float32);
            var pooled = Pool(hidden, batch.AttentionMask, pooling).cpu().data<float>().ToArray();
            for (int r = 0; r < indices.Length; r++)
            {
                int source = examples[indices[r]].SourceIndex;
                windows[source]++;
                for (int d = 0; d < size; d++)
                    sums[source * size + d] += pooled[r * size + d];
            }
        }, paddingUnread: true);

        var result = new float[sourceCount][];
        for (int s = 0; s < sourceCount; s++)
        {
            var vector = new float[size];
            double norm = 0;
            for (int d = 0; d < size; d++)
            {
                double value = sums[s * size + d] / windows[s];
                vector[d] = (float)value;
                norm += value * value;
            }
            if (normalize)
            {
                // As torch.nn.functional.normalize: divide by max(‖v‖, 1e-12).
                double scale = 1.0 / Math.Max(Math.Sqrt(norm), 1e-12);
                for (int d = 0; d < size; d++)
                    vector[d] = (float)(sums[s * size + d] / windows[s] * scale);
            }
            result[s] = vector;
        }
        return result;
    }

    /// <summary>(B, L, D) hidden states and a (B, L) 0/1 mask → (B, D).</summary>
    internal static Tensor Pool(Tensor hidden, Tensor attentionMask, EmbeddingPooling pooling)
    {
        var mask = attentionMask.to_type(hidden.dtype).unsqueeze(-1);
        return pooling switch
        {
            EmbeddingPooling.Cls => hidden.select(1, 0),
            EmbeddingPooling.Max => hidden.masked_fill(mask.eq(TorchScalars.Zero), MinusInfinity).amax([1]),
            _ => (hidden * mask).sum(1) / mask.sum(1).clamp_min(Epsilon),
        };
    }

    // Held for the process's life: a temporary Scalar could be freed while libtorch reads it (see TorchScalars).
    private static readonly Scalar MinusInfinity = float.NegativeInfinity.ToScalar();
    private static readonly Scalar Epsilon = 1e-9.ToScalar();
}
