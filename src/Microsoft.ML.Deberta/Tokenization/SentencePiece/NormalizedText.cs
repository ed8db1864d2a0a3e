namespace Microsoft.ML.Deberta.Tokenization.SentencePiece;

/// <summary>
/// The output of <see cref="SentencePieceTextNormalizer"/>: normalised UTF-8 bytes and, for every normalised byte
/// position (plus one past the end), the byte offset in the original UTF-8 text it came from (sentencepiece's
/// <c>norm_to_orig</c>).
/// </summary>
internal sealed class NormalizedText
{
    private byte[] _bytes;
    private int[] _normToOrig;

    public NormalizedText(int capacity)
    {
        _bytes = new byte[Math.Max(capacity, 16)];
        _normToOrig = new int[Math.Max(capacity, 16) + 1];
    }

    /// <summary>Number of normalised bytes.</summary>
    public int Length { get; private set; }

    /// <summary>The normalised UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, Length);

    /// <summary>
    /// Original byte offset of each normalised byte, and at index <see cref="Length"/> the offset where the text
    /// ends; empty when the text normalised to nothing.
    /// </summary>
    public ReadOnlySpan<int> NormToOrig => _normToOrig.AsSpan(0, MapLength);

    private int MapLength { get; set; }

    public void Append(byte value, int origin)
    {
        if (Length == _bytes.Length)
        {
            Array.Resize(ref _bytes, _bytes.Length * 2);
            Array.Resize(ref _normToOrig, _bytes.Length + 1);
        }
        _bytes[Length] = value;
        _normToOrig[Length] = origin;
        Length++;
        MapLength = Length;
    }

    public void Append(ReadOnlySpan<byte> value, int origin)
    {
        foreach (byte b in value)
            Append(b, origin);
    }

    public bool EndsWith(ReadOnlySpan<byte> suffix) => Bytes.EndsWith(suffix);

    /// <summary>Cuts the text to <paramref name="length"/> bytes; returns the origin of the first byte cut.</summary>
    public int Truncate(int length)
    {
        int origin = _normToOrig[length];
        Length = length;
        MapLength = length;
        return origin;
    }

    /// <summary>Records where the text ends in the original (the final <c>norm_to_orig</c> entry).</summary>
    public void Finish(int endOrigin)
    {
        _normToOrig[Length] = endOrigin;
        MapLength = Length + 1;
    }
}
