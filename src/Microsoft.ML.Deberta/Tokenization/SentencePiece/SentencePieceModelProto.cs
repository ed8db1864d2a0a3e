using System.Text;

namespace Microsoft.ML.Deberta.Tokenization.SentencePiece;

/// <summary>
/// The parts of a SentencePiece <c>ModelProto</c> (<c>sentencepiece_model.proto</c>) that encoding and decoding use:
/// the pieces (text, score, type), the trainer spec fields read at run time, and the normaliser and denormaliser specs.
/// </summary>
/// <remarks>
/// Parsed with protobuf semantics: unknown fields are skipped, a repeated message field appends, and a singular
/// message field that occurs more than once is merged (later scalar values win), exactly as the C++ parser that
/// <c>sentencepiece</c> uses would read the same bytes.
/// </remarks>
internal sealed class SentencePieceModelProto
{
    internal const int ModelTypeUnigram = 1;

    internal readonly record struct Piece(byte[] Utf8, string Text, float Score, SentencePieceType Type);

    internal sealed class TrainerSpec
    {
        public int ModelType { get; set; } = ModelTypeUnigram;
        public bool TreatWhitespaceAsSuffix { get; set; }
        public bool ByteFallback { get; set; }
        public string UnkPiece { get; set; } = "";
        public string BosPiece { get; set; } = "";
        public string EosPiece { get; set; } = "";
        public string PadPiece { get; set; } = "";

        /// <summary>What decoding writes for the unknown piece; the proto default is " ⁇ ".</summary>
        public byte[] UnkSurface { get; set; } = Encoding.UTF8.GetBytes(" \u2047 ");
    }

    internal sealed class NormalizerSpec
    {
        public string Name { get; set; } = "";
        public byte[] PrecompiledCharsmap { get; set; } = [];
        public bool AddDummyPrefix { get; set; } = true;
        public bool RemoveExtraWhitespaces { get; set; } = true;
        public bool EscapeWhitespaces { get; set; } = true;
    }

    public List<Piece> Pieces { get; } = [];
    public TrainerSpec Trainer { get; } = new();
    public NormalizerSpec Normalizer { get; } = new();
    public NormalizerSpec? Denormalizer { get; private set; }

    /// <exception cref="InvalidDataException">The bytes are not a well-formed ModelProto.</exception>
    public static SentencePieceModelProto Parse(ReadOnlySpan<byte> data)
    {
        var model = new SentencePieceModelProto();
        var reader = new ProtoWireReader(data, 0);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1:
                    reader.Expect(field, "pieces", wire, ProtoWireReader.WireLengthDelimited);
                    model.Pieces.Add(ParsePiece(reader.ReadLengthDelimited(out int pieceAt), pieceAt));
                    break;
                case 2:
                    reader.Expect(field, "trainer_spec", wire, ProtoWireReader.WireLengthDelimited);
                    MergeTrainerSpec(model.Trainer, reader.ReadLengthDelimited(out int trainerAt), trainerAt);
                    break;
                case 3:
                    reader.Expect(field, "normalizer_spec", wire, ProtoWireReader.WireLengthDelimited);
                    MergeNormalizerSpec(model.Normalizer, reader.ReadLengthDelimited(out int normAt), normAt);
                    break;
                case 5:
                    reader.Expect(field, "denormalizer_spec", wire, ProtoWireReader.WireLengthDelimited);
                    model.Denormalizer ??= new NormalizerSpec();
                    MergeNormalizerSpec(model.Denormalizer, reader.ReadLengthDelimited(out int denormAt), denormAt);
                    break;
                default:
                    reader.Skip(wire, field);   // self_test_data (4) and extensions are not needed to encode
                    break;
            }
        }
        return model;
    }

    private static Piece ParsePiece(ReadOnlySpan<byte> data, int fileOffset)
    {
        byte[] utf8 = [];
        float score = 0;
        var type = SentencePieceType.Normal;
        var reader = new ProtoWireReader(data, fileOffset);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1:
                    reader.Expect(field, "SentencePiece.piece", wire, ProtoWireReader.WireLengthDelimited);
                    utf8 = reader.ReadLengthDelimited(out _).ToArray();
                    break;
                case 2:
                    reader.Expect(field, "SentencePiece.score", wire, ProtoWireReader.WireFixed32);
                    score = reader.ReadFloat();
                    break;
                case 3:
                    reader.Expect(field, "SentencePiece.type", wire, ProtoWireReader.WireVarint);
                    ulong value = reader.ReadVarint();
                    // proto2 keeps an enum value it does not know as an unknown field: the type stays as it was.
                    if (value is >= 1 and <= 6)
                        type = (SentencePieceType)(int)value;
                    break;
                default:
                    reader.Skip(wire, field);
                    break;
            }
        }
        return new Piece(utf8, Encoding.UTF8.GetString(utf8), score, type);
    }

    private static void MergeTrainerSpec(TrainerSpec spec, ReadOnlySpan<byte> data, int fileOffset)
    {
        var reader = new ProtoWireReader(data, fileOffset);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 3:
                    reader.Expect(field, "TrainerSpec.model_type", wire, ProtoWireReader.WireVarint);
                    spec.ModelType = reader.ReadInt32();
                    break;
                case 24:
                    reader.Expect(field, "TrainerSpec.treat_whitespace_as_suffix", wire, ProtoWireReader.WireVarint);
                    spec.TreatWhitespaceAsSuffix = reader.ReadBool();
                    break;
                case 35:
                    reader.Expect(field, "TrainerSpec.byte_fallback", wire, ProtoWireReader.WireVarint);
                    spec.ByteFallback = reader.ReadBool();
                    break;
                case 44:
                    reader.Expect(field, "TrainerSpec.unk_surface", wire, ProtoWireReader.WireLengthDelimited);
                    spec.UnkSurface = reader.ReadLengthDelimited(out _).ToArray();
                    break;
                case 45: spec.UnkPiece = ReadString(ref reader, field, "TrainerSpec.unk_piece", wire); break;
                case 46: spec.BosPiece = ReadString(ref reader, field, "TrainerSpec.bos_piece", wire); break;
                case 47: spec.EosPiece = ReadString(ref reader, field, "TrainerSpec.eos_piece", wire); break;
                case 48: spec.PadPiece = ReadString(ref reader, field, "TrainerSpec.pad_piece", wire); break;
                default:
                    reader.Skip(wire, field);
                    break;
            }
        }
    }

    private static void MergeNormalizerSpec(NormalizerSpec spec, ReadOnlySpan<byte> data, int fileOffset)
    {
        var reader = new ProtoWireReader(data, fileOffset);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1: spec.Name = ReadString(ref reader, field, "NormalizerSpec.name", wire); break;
                case 2:
                    reader.Expect(field, "NormalizerSpec.precompiled_charsmap", wire, ProtoWireReader.WireLengthDelimited);
                    spec.PrecompiledCharsmap = reader.ReadLengthDelimited(out _).ToArray();
                    break;
                case 3:
                    reader.Expect(field, "NormalizerSpec.add_dummy_prefix", wire, ProtoWireReader.WireVarint);
                    spec.AddDummyPrefix = reader.ReadBool();
                    break;
                case 4:
                    reader.Expect(field, "NormalizerSpec.remove_extra_whitespaces", wire, ProtoWireReader.WireVarint);
                    spec.RemoveExtraWhitespaces = reader.ReadBool();
                    break;
                case 5:
                    reader.Expect(field, "NormalizerSpec.escape_whitespaces", wire, ProtoWireReader.WireVarint);
                    spec.EscapeWhitespaces = reader.ReadBool();
                    break;
                default:
                    reader.Skip(wire, field);
                    break;
            }
        }
    }

    private static string ReadString(ref ProtoWireReader reader, int field, string name, int wire)
    {
        reader.Expect(field, name, wire, ProtoWireReader.WireLengthDelimited);
        return Encoding.UTF8.GetString(reader.ReadLengthDelimited(out _));
    }
}
