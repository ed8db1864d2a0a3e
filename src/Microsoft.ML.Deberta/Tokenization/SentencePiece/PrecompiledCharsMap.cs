using System.Buffers.Binary;

namespace Microsoft.ML.Deberta.Tokenization.SentencePiece;

/// <summary>
/// The normalisation rules stored in <c>NormalizerSpec.precompiled_charsmap</c>: a Darts-clone double-array trie of
/// UTF-8 source strings whose values point into a blob of NUL-terminated UTF-8 replacements
/// (layout <c>&lt;trie size: uint32 LE&gt;&lt;trie units&gt;&lt;replacements&gt;</c>, see sentencepiece normalizer.cc).
/// For <c>nmt_nfkc</c> models this is NFKC plus removal of control characters and mapping of unusual spaces to " ".
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers 2.0.1 reads the same map, but treats a rule whose replacement is empty as "no rule" and
/// keeps the character (e.g. U+0007 stays and becomes [UNK]), and it exposes no alignment of the normalised text to
/// the original; both are needed here, so the map is read directly. Every array access is bounds-checked: a corrupt
/// map raises <see cref="InvalidDataException"/> rather than reading outside the model.
/// </remarks>
internal sealed class PrecompiledCharsMap
{
    private readonly uint[] _units;
    private readonly byte[] _replacements;
    private readonly string _field;

    private PrecompiledCharsMap(uint[] units, byte[] replacements, string field)
    {
        _units = units;
        _replacements = replacements;
        _field = field;
    }

    /// <param name="blob">The bytes of the precompiled_charsmap field.</param>
    /// <param name="field">Which spec it comes from (normalizer_spec or denormalizer_spec), for error messages.</param>
    /// <exception cref="InvalidDataException">The blob is too short or its trie size does not fit.</exception>
    public static PrecompiledCharsMap Parse(ReadOnlySpan<byte> blob, string field)
    {
        if (blob.Length <= sizeof(uint))
            throw Corrupt(field, $"the map has {blob.Length} bytes, too few for its header");
        uint trieSize = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        if ((ulong)trieSize + sizeof(uint) > (ulong)blob.Length)
            throw Corrupt(field, $"its trie of {trieSize} bytes is longer than the map ({blob.Length} bytes)");
        var units = new uint[trieSize / sizeof(uint)];
        if (units.Length == 0)
            throw Corrupt(field, "its trie is empty");
        var trie = blob.Slice(sizeof(uint), (int)trieSize);
        for (int i = 0; i < units.Length; i++)
            units[i] = BinaryPrimitives.ReadUInt32LittleEndian(trie.Slice(i * sizeof(uint)));
        return new PrecompiledCharsMap(units, blob.Slice(sizeof(uint) + (int)trieSize).ToArray(), field);
    }

    /// <summary>
    /// Finds the longest rule whose source is a prefix of <paramref name="input"/> (Darts <c>commonPrefixSearch</c>,
    /// longest result). Returns the number of input bytes the rule consumes, or 0 when no rule applies.
    /// </summary>
    public int LongestMatch(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> replacement)
    {
        replacement = default;
        int longestLength = 0;
        uint longestValue = 0;
        uint[] units = _units;
        uint nodePos = Offset(units[0]);
        for (int i = 0; i < input.Length; i++)
        {
            byte label = input[i];
            nodePos ^= label;
            if (nodePos >= (uint)units.Length)
                return Finish(longestLength, longestValue, out replacement);   // no unit there: no such edge
            uint unit = units[nodePos];
            if (Label(unit) != label)
                break;
            nodePos ^= Offset(unit);
            if (HasLeaf(unit))
            {
                if (nodePos >= (uint)units.Length)
                    throw Corrupt(_field, $"a leaf index {nodePos} lies outside the trie ({units.Length} units)");
                longestLength = i + 1;   // results come in increasing length: the last one is the longest
                longestValue = Value(units[nodePos]);
            }
        }
        return Finish(longestLength, longestValue, out replacement);
    }

    private int Finish(int length, uint value, out ReadOnlySpan<byte> replacement)
    {
        replacement = default;
        if (length == 0)
            return 0;
        if (value >= (uint)_replacements.Length)
            throw Corrupt(_field, $"a rule points to offset {value}, outside its {_replacements.Length} bytes of replacements");
        var rest = _replacements.AsSpan((int)value);
        int end = rest.IndexOf((byte)0);
        if (end < 0)
            throw Corrupt(_field, $"the replacement at offset {value} is not NUL-terminated");
        replacement = rest[..end];
        return length;
    }

    // Darts-clone DoubleArrayUnit accessors (darts.h).
    private static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;
    private static uint Value(uint unit) => unit & 0x7FFF_FFFFu;
    private static uint Label(uint unit) => unit & 0x8000_00FFu;
    private static uint Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);

    private static InvalidDataException Corrupt(string field, string what) =>
        new($"The SentencePiece model's {field}.precompiled_charsmap is corrupt: {what}.");
}
