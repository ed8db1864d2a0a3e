namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// The token ranges of the first and second sequence that make up one encoding (one overflow window).
/// <see cref="BStart"/> is -1 for a single sequence.
/// </summary>
internal readonly record struct WindowSpec(int AStart, int AEnd, int BStart, int BEnd)
{
    public bool HasPair => BStart >= 0;

    public int ContentLength => (AEnd - AStart) + (HasPair ? BEnd - BStart : 0);
}
