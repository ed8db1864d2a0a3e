using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Training;

/// <summary>Rows of word-level NER data, tokenized once: each row's word windows and one label id per word.</summary>
/// <param name="Windows">Per row, its <c>EncodeWords</c> windows (one, or the stride windows in order).</param>
/// <param name="WordLabels">Per row, the 0-based label id of every word.</param>
internal sealed record TokenClassificationSet(IReadOnlyList<IReadOnlyList<DebertaEncoding>> Windows, IReadOnlyList<int[]> WordLabels)
{
    /// <summary>Number of rows.</summary>
    public int Count => Windows.Count;

    /// <summary>Words per row.</summary>
    public IReadOnlyList<int> WordCounts => [.. WordLabels.Select(l => l.Length)];
}
