using Microsoft.ML.Deberta.Modeling;
using Microsoft.ML.Deberta.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Tests.Parity;

/// <summary>
/// Runs a head over encodings in one batch padded to the longest (attention mask 0 on pads, as the pipelines' padded
/// windows), without gradients, and hands back each encoding's logits trimmed to its own length.
/// </summary>
internal static class PipelineModelRunner
{
    /// <summary>Per encoding, Length × num_labels logits of a token-classification head, row-major.</summary>
    public static float[][] TokenLogits(DebertaForTokenClassification model, IReadOnlyList<DebertaEncoding> encodings)
    {
        using var scope = NewDisposeScope();
        (Tensor ids, Tensor mask, Tensor types) = Batch(encodings);
        using var output = model.Predict(ids, mask, types);
        var logits = output.Logits.contiguous().data<float>().ToArray();
        long width = output.Logits.shape[1] * output.Logits.shape[2];
        int labels = (int)output.Logits.shape[2];
        return [.. encodings.Select((e, row) => logits.AsSpan((int)(row * width), e.Length * labels).ToArray())];
    }

    /// <summary>Per encoding, the start and end logits of a question-answering head.</summary>
    public static (float[][] Start, float[][] End) SpanLogits(DebertaForQuestionAnswering model, IReadOnlyList<DebertaEncoding> encodings)
    {
        using var scope = NewDisposeScope();
        (Tensor ids, Tensor mask, Tensor types) = Batch(encodings);
        using var output = model.Predict(ids, mask, types);
        float[][] Rows(Tensor t)
        {
            var values = t.contiguous().data<float>().ToArray();
            long width = t.shape[1];
            return [.. encodings.Select((e, row) => values.AsSpan((int)(row * width), e.Length).ToArray())];
        }
        return (Rows(output.StartLogits), Rows(output.EndLogits));
    }

    private static (Tensor Ids, Tensor Mask, Tensor Types) Batch(IReadOnlyList<DebertaEncoding> encodings)
    {
        int width = encodings.Max(e => e.Length);
        long[] Padded(Func<DebertaEncoding, IReadOnlyList<int>> field) =>
            [.. encodings.SelectMany(e => field(e).Select(v => (long)v).Concat(Enumerable.Repeat(0L, width - e.Length)))];
        long[] shape = [encodings.Count, width];
        return (tensor(Padded(e => e.InputIds), shape), tensor(Padded(e => e.AttentionMask), shape), tensor(Padded(e => e.TokenTypeIds), shape));
    }
}
