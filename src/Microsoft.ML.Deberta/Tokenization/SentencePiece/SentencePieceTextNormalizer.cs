namespace Microsoft.ML.Deberta.Tokenization.SentencePiece;

/// <summary>
/// sentencepiece's <c>normalizer::Normalizer::Normalize</c>, byte for byte: user-defined symbols kept verbatim,
/// the precompiled character map applied by longest match, leading/trailing/repeated spaces removed
/// (<c>remove_extra_whitespaces</c>), the dummy "▁" prefix added (<c>add_dummy_prefix</c>) and spaces written as
/// "▁" (<c>escape_whitespaces</c>), keeping for every output byte the original byte offset it came from.
/// </summary>
/// <remarks>
/// The alignment is what lets <see cref="SentencePieceUnigramModel.Encode(string)"/> report spans in the original
/// text as sentencepiece does (a removed character is covered by the piece before it, the dummy prefix covers
/// nothing, "▁" for a space starts at that space). Microsoft.ML.Tokenizers 2.0.1's SentencePieceNormalizer returns
/// only the normalised string, so offsets there are positions in the normalised text.
/// </remarks>
internal sealed class SentencePieceTextNormalizer
{
    private readonly PrecompiledCharsMap? _charsMap;
    private readonly PieceTrie? _userDefinedSymbols;
    private readonly bool _addDummyPrefix;
    private readonly bool _removeExtraWhitespaces;
    private readonly bool _escapeWhitespaces;
    private readonly bool _treatWhitespaceAsSuffix;

    public SentencePieceTextNormalizer(
        PrecompiledCharsMap? charsMap,
        PieceTrie? userDefinedSymbols,
        bool addDummyPrefix,
        bool removeExtraWhitespaces,
        bool escapeWhitespaces,
        bool treatWhitespaceAsSuffix)
    {
        _charsMap = charsMap;
        _userDefinedSymbols = userDefinedSymbols;
        _addDummyPrefix = addDummyPrefix;
        _removeExtraWhitespaces = removeExtraWhitespaces;
        _escapeWhitespaces = escapeWhitespaces;
        _treatWhitespaceAsSuffix = treatWhitespaceAsSuffix;
    }

    public NormalizedText Normalize(ReadOnlySpan<byte> input)
    {
        var output = new NormalizedText(input.Length + input.Length / 4 + 4);
        if (input.IsEmpty)
            return output;

        int consumed = 0;
        if (_removeExtraWhitespaces)
        {
            // Leading characters that normalise to exactly " " are dropped.
            while (!input.IsEmpty)
            {
                int length = NormalizePrefix(input, out var normalized);
                if (!normalized.SequenceEqual(" "u8))
                    break;
                input = input[length..];
                consumed += length;
            }
        }
        if (input.IsEmpty)
            return output;   // only whitespace

        if (!_treatWhitespaceAsSuffix && _addDummyPrefix)
            AppendSpace(output, consumed);

        bool isPrevSpace = _removeExtraWhitespaces;
        while (!input.IsEmpty)
        {
            int length = NormalizePrefix(input, out var piece);
            if (isPrevSpace)
            {
                while (!piece.IsEmpty && piece[0] == (byte)' ')
                    piece = piece[1..];
            }
            if (!piece.IsEmpty)
            {
                foreach (byte b in piece)
                {
                    if (_escapeWhitespaces && b == (byte)' ')
                        output.Append(SentencePieceUtf8.SpaceSymbol, consumed);
                    else
                        output.Append(b, consumed);
                }
                isPrevSpace = piece[^1] == (byte)' ';
            }
            consumed += length;
            input = input[length..];
            if (!_removeExtraWhitespaces)
                isPrevSpace = false;
        }

        if (_removeExtraWhitespaces)
        {
            ReadOnlySpan<byte> space = _escapeWhitespaces ? SentencePieceUtf8.SpaceSymbol : " "u8;
            while (output.EndsWith(space))
                consumed = output.Truncate(output.Length - space.Length);
        }

        if (_treatWhitespaceAsSuffix && _addDummyPrefix)
            AppendSpace(output, consumed);

        output.Finish(consumed);
        return output;
    }

    private void AppendSpace(NormalizedText output, int origin)
    {
        if (_escapeWhitespaces)
            output.Append(SentencePieceUtf8.SpaceSymbol, origin);
        else
            output.Append((byte)' ', origin);
    }

    /// <summary>
    /// The normalised form of the longest rule that matches the start of <paramref name="input"/>
    /// (<c>NormalizePrefix</c>); returns how many input bytes it consumes (at least 1).
    /// </summary>
    private int NormalizePrefix(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> normalized)
    {
        if (_userDefinedSymbols is not null)
        {
            int symbolLength = _userDefinedSymbols.LongestPrefixLength(input);
            if (symbolLength > 0)
            {
                normalized = input[..symbolLength];
                return symbolLength;
            }
        }
        if (_charsMap is not null)
        {
            int ruleLength = _charsMap.LongestMatch(input, out normalized);
            if (ruleLength > 0)
                return ruleLength;
        }
        if (!SentencePieceUtf8.TryDecode(input, out int charLength))
        {
            normalized = SentencePieceUtf8.ReplacementCharacter;   // one invalid byte becomes U+FFFD
            return 1;
        }
        normalized = input[..charLength];
        return charLength;
    }
}
