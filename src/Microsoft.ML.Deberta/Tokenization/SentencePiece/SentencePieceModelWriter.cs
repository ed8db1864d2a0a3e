using System.Buffers.Binary;
using System.Text;

namespace Microsoft.ML.Deberta.Tokenization.SentencePiece;

/// <summary>
/// Writes a SentencePiece unigram <c>ModelProto</c> (the bytes of an <c>spm.model</c>) from its parts: pieces with
/// scores and types, the normaliser spec and the trainer fields the encoder reads. Used to build the engine from a
/// <c>tokenizer.json</c>, so that it runs the same code as an <c>spm.model</c> and saves as one.
/// </summary>
internal static class SentencePieceModelWriter
{
    public readonly record struct PieceEntry(string Piece, float Score, SentencePieceType Type);

    /// <param name="pieces">Pieces in id order.</param>
    /// <param name="normalizerName">NormalizerSpec.name (informational).</param>
    /// <param name="charsmap">The precompiled character map; empty for none.</param>
    /// <param name="addDummyPrefix">Whether a "▁" is put before the text.</param>
    /// <param name="removeExtraWhitespaces">Whether leading, trailing and repeated spaces are dropped.</param>
    /// <param name="byteFallback">Whether unknown characters become byte pieces.</param>
    /// <param name="reservedPieces">unk, bos, eos and pad piece names (TrainerSpec fields 45–48); null to leave unset.</param>
    public static byte[] Write(IReadOnlyList<PieceEntry> pieces, string normalizerName, byte[] charsmap, bool addDummyPrefix,
        bool removeExtraWhitespaces, bool byteFallback, (string? Unk, string? Bos, string? Eos, string? Pad) reservedPieces)
    {
        var model = new List<byte>();
        foreach (PieceEntry entry in pieces)
        {
            var piece = new List<byte>();
            Bytes(piece, 1, Encoding.UTF8.GetBytes(entry.Piece));
            Key(piece, 2, 5);
            var score = new byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(score, entry.Score);
            piece.AddRange(score);
            Varint(piece, 3, (ulong)entry.Type);
            Bytes(model, 1, [.. piece]);
        }

        var trainer = new List<byte>();
        Varint(trainer, 3, (ulong)SentencePieceModelProto.ModelTypeUnigram);
        Varint(trainer, 35, byteFallback ? 1UL : 0UL);
        (int Field, string? Name)[] names = [(45, reservedPieces.Unk), (46, reservedPieces.Bos), (47, reservedPieces.Eos), (48, reservedPieces.Pad)];
        foreach (var (field, name) in names)
            if (name is not null)
                Bytes(trainer, field, Encoding.UTF8.GetBytes(name));
        Bytes(model, 2, [.. trainer]);

        var normalizer = new List<byte>();
        Bytes(normalizer, 1, Encoding.UTF8.GetBytes(normalizerName));
        if (charsmap.Length > 0)
            Bytes(normalizer, 2, charsmap);
        Varint(normalizer, 3, addDummyPrefix ? 1UL : 0UL);
        Varint(normalizer, 4, removeExtraWhitespaces ? 1UL : 0UL);
        Varint(normalizer, 5, 1UL);
        Bytes(model, 3, [.. normalizer]);
        return [.. model];
    }

    private static void Key(List<byte> output, int field, int wire) => Raw(output, (ulong)(field << 3 | wire));

    private static void Varint(List<byte> output, int field, ulong value)
    {
        Key(output, field, 0);
        Raw(output, value);
    }

    private static void Bytes(List<byte> output, int field, byte[] payload)
    {
        Key(output, field, 2);
        Raw(output, (ulong)payload.Length);
        output.AddRange(payload);
    }

    private static void Raw(List<byte> output, ulong value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }
        output.Add((byte)value);
    }
}
