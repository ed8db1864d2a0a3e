using Microsoft.ML.Deberta.Modeling;
using TorchSharp;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// The inference loop every head's predictor shares: examples in padded batches (sorted by length and cut where
/// <see cref="InferenceChunks"/> finds that a pass pays for the padding it saves), eval mode and no gradients, one
/// dispose scope per batch, cancellation between batches, the model's previous mode restored afterwards (a model
/// already in eval mode is not touched, so threads may share it).
/// </summary>
internal static class BatchedInference
{
    /// <summary>Runs <paramref name="step"/> on every batch: the examples' indices (batch row order) and their padded inputs.</summary>
    public static void Run(
        DebertaPreTrainedModel model, IReadOnlyList<EncodedExample> examples, int batchSize, bool sortByLength,
        CancellationToken cancellationToken, Action<int[], PaddedBatch> step, bool paddingUnread = false)
    {
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        var order = Enumerable.Range(0, examples.Count).ToArray();
        if (sortByLength)
            order = order.OrderBy(i => examples[i].InputIds.Length).ToArray(); // stable: equal lengths keep their order
        long padId = model.Config.PadTokenId ?? 0;
        var device = SequenceClassificationPredictor.ModelDevice(model);

        bool wasTraining = model.training;
        if (wasTraining) model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            var passes = sortByLength
                ? InferenceChunks.Plan([.. order.Select(i => examples[i].InputIds.Length)], batchSize, model.Config,
                    (rows, length) => model.PacksTokensInInference(rows, length, paddingUnread))
                : InferenceChunks.Fixed(order.Length, batchSize);
            foreach (var (start, count) in passes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                int[] indices = order[start..(start + count)];
                step(indices, PaddedBatch.Build(examples, indices, padId, device));
            }
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }
}
