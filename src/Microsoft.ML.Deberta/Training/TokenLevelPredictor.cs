using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tasks;
using Microsoft.ML.Deberta.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Batched inference of the heads that score every token (token classification, question answering) over encoded
/// windows: padded batches sorted by length, no gradients, eval mode (see <see cref="BatchedInference"/>). Each window
/// gets its own logits, one row per token before its trailing padding, ready for the decoders of <c>Tasks/</c>.
/// </summary>
internal static class TokenLevelPredictor
{
    /// <summary>Per window, (unpadded length) × num_labels token-classification logits, row-major.</summary>
    /// <exception cref="ArgumentException">A window is empty, too long for the model, or holds ids outside its vocabulary.</exception>
    public static float[][] PredictTokenLogits(
        DebertaForTokenClassification model, IReadOnlyList<DebertaEncoding> windows, int batchSize = 8, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var examples = Examples(model, windows);
        int labels = model.Config.NumLabels;
        var result = new float[examples.Count][];
        BatchedInference.Run(model, examples, batchSize, sortByLength: true, cancellationToken, (indices, batch) =>
        {
            var logits = model.ForwardPaddingUnread(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds).Logits;
            Rows(logits, indices, examples, labels, result);
        }, paddingUnread: true);
        return result;
    }

    /// <summary>Per window, one start and one end logit per token before its trailing padding.</summary>
    /// <exception cref="ArgumentException">A window is empty, too long for the model, or holds ids outside its vocabulary.</exception>
    public static (float[][] Start, float[][] End) PredictSpanLogits(
        DebertaForQuestionAnswering model, IReadOnlyList<DebertaEncoding> windows, int batchSize = 8, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var examples = Examples(model, windows);
        var start = new float[examples.Count][];
        var end = new float[examples.Count][];
        BatchedInference.Run(model, examples, batchSize, sortByLength: true, cancellationToken, (indices, batch) =>
        {
            var output = model.ForwardPaddingUnread(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
            Rows(output.StartLogits, indices, examples, 1, start);
            Rows(output.EndLogits, indices, examples, 1, end);
        }, paddingUnread: true);
        return (start, end);
    }

    /// <summary>The windows without their trailing pads, one example each, checked against the model.</summary>
    private static List<EncodedExample> Examples(DebertaPreTrainedModel model, IReadOnlyList<DebertaEncoding> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var examples = new List<EncodedExample>(windows.Count);
        for (int i = 0; i < windows.Count; i++)
        {
            DebertaEncoding window = windows[i] ?? throw new ArgumentException($"windows[{i}] is null.", nameof(windows));
            examples.Add(Unpadded(window, i));
        }
        EncodedExampleValidator.Check(model.Config, examples, examples.Count, nameof(windows), "the number of windows");
        return examples;
    }

    /// <summary>A window as the model sees it: without its trailing padding, from source row <paramref name="source"/>.</summary>
    internal static EncodedExample Unpadded(DebertaEncoding window, int source)
    {
        int length = WindowLogits.UnpaddedLength(window);
        return new EncodedExample([.. window.InputIds.Take(length)], [.. window.TokenTypeIds.Take(length)], source);
    }

    /// <summary>Copies each batch row's first (length × width) values to its example's slot.</summary>
    private static void Rows(Tensor values, int[] indices, List<EncodedExample> examples, int width, float[][] result)
    {
        float[] data = values.to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        long rowSize = values.shape[1] * width;
        for (int r = 0; r < indices.Length; r++)
            result[indices[r]] = data.AsSpan((int)(r * rowSize), examples[indices[r]].InputIds.Length * width).ToArray();
    }
}
