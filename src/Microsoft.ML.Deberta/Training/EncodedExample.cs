namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// One tokenized example ready for the model: ids with special tokens, unpadded. A long text may yield several
/// examples (windows) that share <see cref="SourceIndex"/>, the row they came from.
/// </summary>
/// <param name="InputIds">Token ids including [CLS]/[SEP].</param>
/// <param name="TokenTypeIds">Token type ids (0 for the first segment, 1 for the second), same length.</param>
/// <param name="SourceIndex">0-based index of the source row.</param>
internal sealed record EncodedExample(int[] InputIds, int[] TokenTypeIds, int SourceIndex);
