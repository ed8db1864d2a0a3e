using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>A sequence after masking: the model inputs and the labels (−100 where there is no target).</summary>
internal sealed record MaskedSequence(long[] Inputs, long[] Labels)
{
    /// <summary>Positions with a target.</summary>
    public int TargetCount { get; } = Labels.Count(l => l != LanguageModelingMasker.IgnoredLabel);

    /// <summary>Masks <paramref name="example"/> with the next draws of <paramref name="random"/>.</summary>
    public static MaskedSequence Draw(LanguageModelingExample example, LanguageModelingMasker masker, Random random)
    {
        var inputs = new long[example.InputIds.Length];
        var labels = new long[example.InputIds.Length];
        masker.Mask(example, random, inputs, labels);
        return new MaskedSequence(inputs, labels);
    }

    /// <summary>The padded model inputs and (B, L) labels of <paramref name="rows"/>; padding is never a target.</summary>
    public static (PaddedBatch Batch, Tensor Labels) Batch(IReadOnlyList<MaskedSequence> rows, long padId, Device device)
    {
        int length = rows.Max(r => r.Inputs.Length);
        var labels = new long[rows.Count * length];
        Array.Fill(labels, LanguageModelingMasker.IgnoredLabel);
        var batch = PaddedBatch.Build(rows.Count, length, padId, device, (r, ids, mask, _) =>
        {
            var row = rows[r];
            row.Inputs.CopyTo(ids);
            mask[..row.Inputs.Length].Fill(1);
            row.Labels.CopyTo(labels.AsSpan(r * length, length));
        });
        return (batch, torch.tensor(labels, [rows.Count, length], device: device));
    }
}
