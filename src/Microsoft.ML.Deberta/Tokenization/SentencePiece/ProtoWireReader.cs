using System.Buffers.Binary;

namespace Microsoft.ML.Deberta.Tokenization.SentencePiece;

/// <summary>
/// Reads the protocol-buffers wire format (the encoding of <c>spm.model</c>), field by field, with every length and
/// varint checked against the buffer so that a truncated or foreign file raises <see cref="InvalidDataException"/>
/// naming the byte offset instead of reading past the end.
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers 2.0.1 has a generated ModelProto parser, but its <c>Sentencepiece.ModelProto</c> types are
/// internal, so scores, piece types and the normaliser spec cannot be read through it; this reader is the small part
/// of protobuf that the model file needs.
/// </remarks>
internal ref struct ProtoWireReader
{
    internal const int WireVarint = 0;
    internal const int WireFixed64 = 1;
    internal const int WireLengthDelimited = 2;
    internal const int WireFixed32 = 5;

    private readonly ReadOnlySpan<byte> _buffer;
    private readonly int _baseOffset;
    private int _position;

    /// <param name="buffer">The bytes of one message.</param>
    /// <param name="baseOffset">Offset of <paramref name="buffer"/> in the whole file, for error messages.</param>
    public ProtoWireReader(ReadOnlySpan<byte> buffer, int baseOffset)
    {
        _buffer = buffer;
        _baseOffset = baseOffset;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _buffer.Length;

    /// <summary>Offset of the next byte in the whole file.</summary>
    public readonly int FileOffset => _baseOffset + _position;

    /// <summary>Reads a field key; returns the field number and wire type.</summary>
    public (int Field, int WireType) ReadKey()
    {
        int at = FileOffset;
        ulong key = ReadVarint();
        int wireType = (int)(key & 7);
        ulong field = key >> 3;
        if (field == 0 || field > 536_870_911)
            throw Corrupt(at, $"field number {field} is not valid");
        return ((int)field, wireType);
    }

    public ulong ReadVarint()
    {
        int at = FileOffset;
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _buffer.Length)
                throw Corrupt(at, "a varint runs past the end of the data (truncated file?)");
            byte b = _buffer[_position++];
            if (shift == 63 && b > 1)
                throw Corrupt(at, "a varint is longer than 64 bits");
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return result;
        }
        throw Corrupt(at, "a varint is longer than 10 bytes");
    }

    /// <summary>Reads an int32 varint (negative values are stored sign-extended to 64 bits).</summary>
    public int ReadInt32() => unchecked((int)ReadVarint());

    public bool ReadBool() => ReadVarint() != 0;

    public float ReadFloat()
    {
        var bytes = ReadFixed(4);
        return BinaryPrimitives.ReadSingleLittleEndian(bytes);
    }

    /// <summary>Reads a length-delimited field; <paramref name="fileOffset"/> is where its bytes start.</summary>
    public ReadOnlySpan<byte> ReadLengthDelimited(out int fileOffset)
    {
        int at = FileOffset;
        ulong length = ReadVarint();
        if (length > (ulong)(_buffer.Length - _position))
            throw Corrupt(at, $"a field of {length} bytes runs past the end of the data (truncated file?)");
        fileOffset = FileOffset;
        var slice = _buffer.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    /// <summary>Skips a field of a number this reader does not use, as protobuf parsers do.</summary>
    public void Skip(int wireType, int field)
    {
        switch (wireType)
        {
            case WireVarint: ReadVarint(); break;
            case WireFixed64: ReadFixed(8); break;
            case WireLengthDelimited: ReadLengthDelimited(out _); break;
            case WireFixed32: ReadFixed(4); break;
            default:
                throw Corrupt(FileOffset, $"field {field} has wire type {wireType}, which a SentencePiece model never uses");
        }
    }

    /// <summary>Throws unless <paramref name="actual"/> is the wire type a known field must have.</summary>
    public readonly void Expect(int field, string name, int actual, int expected)
    {
        if (actual != expected)
            throw Corrupt(FileOffset, $"field {field} ({name}) has wire type {actual}, expected {expected}");
    }

    private ReadOnlySpan<byte> ReadFixed(int count)
    {
        int at = FileOffset;
        if (_buffer.Length - _position < count)
            throw Corrupt(at, "a fixed-size field runs past the end of the data (truncated file?)");
        var slice = _buffer.Slice(_position, count);
        _position += count;
        return slice;
    }

    internal static InvalidDataException Corrupt(int fileOffset, string what) =>
        new($"Not a valid SentencePiece model (protobuf ModelProto): {what}, at byte offset {fileOffset}.");
}
