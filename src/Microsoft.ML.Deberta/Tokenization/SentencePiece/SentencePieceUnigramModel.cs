using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Microsoft.ML.Deberta.Tokenization.SentencePiece;

/// <summary>
/// A SentencePiece unigram model (<c>spm.model</c>, as shipped with DeBERTa-v2/v3) that encodes and decodes exactly
/// like the <c>sentencepiece</c> library (0.1.97 – 0.2.x): the model's own normaliser, the optimised Viterbi search
/// over the piece lattice, runs of unknown characters fused into one unknown piece, byte fallback when the model has
/// it, and spans in the original text.
/// </summary>
/// <remarks>
/// <para>
/// Why not Microsoft.ML.Tokenizers' <c>SentencePieceTokenizer</c> (2.0.1), measured on the DeBERTa-v3 references:
/// it gives one <c>[UNK]</c> per unknown character where sentencepiece gives one per run; its normaliser keeps
/// characters whose rule deletes them (<c>\x07</c> becomes <c>[UNK]</c>); its offsets are positions in the
/// normalised text (which includes the "▁" it inserted), not in the caller's text; and its parsed
/// <c>ModelProto</c> (scores, piece types, normaliser spec) is internal. So this class reads the model proto
/// itself and reproduces sentencepiece's normalizer.cc, unigram_model.cc (<c>EncodeOptimized</c>) and
/// sentencepiece_processor.cc (<c>PopulateSentencePieceText</c>, <c>Decode</c>).
/// </para>
/// <para>
/// Instances are immutable and safe to use from several threads at once.
/// </para>
/// </remarks>
internal sealed class SentencePieceUnigramModel
{
    // unigram_model.cc: kUnkPenalty, and max_score_'s initial value FLT_MIN (the smallest normal float, not
    // float.Epsilon). A model whose normal scores are all negative keeps max_score_ = FLT_MIN, which makes a
    // user-defined symbol score ≈ -0.1; reproduced as is.
    private const float UnkPenalty = 10.0f;
    private const float FltMin = 1.17549435E-38f;
    private const float FltMax = float.MaxValue;

    private readonly SentencePieceModelProto.Piece[] _pieces;
    private readonly Dictionary<string, int> _reservedIds;   // control, unknown and byte pieces
    private readonly Dictionary<string, int> _normalIds;     // normal, user-defined and unused pieces
    private readonly PieceTrie _trie;
    private readonly SentencePieceTextNormalizer _normalizer;
    private readonly SentencePieceTextNormalizer? _denormalizer;
    private readonly int[] _byteToId;                        // byte fallback: id of <0xXX>; empty without it
    private readonly int[] _idToByte;                        // id of <0xXX> -> XX, else -1
    private readonly byte[] _unkSurface;
    private readonly float _minScore;
    private readonly float _maxScore;
    private readonly byte[] _serialized;

    private SentencePieceUnigramModel(byte[] serialized, SentencePieceModelProto proto)
    {
        _serialized = serialized;
        var trainer = proto.Trainer;
        if (trainer.ModelType != SentencePieceModelProto.ModelTypeUnigram)
        {
            string name = trainer.ModelType switch { 2 => "BPE", 3 => "WORD", 4 => "CHAR", _ => $"{trainer.ModelType} (unknown)" };
            throw new NotSupportedException(
                $"The SentencePiece model is of type {name}; only UNIGRAM models (the type DeBERTa-v2/v3 use) are supported.");
        }

        _pieces = proto.Pieces.ToArray();
        if (_pieces.Length == 0)
            throw Invalid("it contains no pieces");

        // ModelInterface::InitializePieces.
        _reservedIds = new Dictionary<string, int>(StringComparer.Ordinal);
        _normalIds = new Dictionary<string, int>(StringComparer.Ordinal);
        _idToByte = new int[_pieces.Length];
        Array.Fill(_idToByte, -1);
        var byteIds = new int[256];
        Array.Fill(byteIds, -1);
        var userDefined = new List<(byte[] Key, int Value)>();
        UnkId = -1;
        for (int id = 0; id < _pieces.Length; id++)
        {
            var piece = _pieces[id];
            if (piece.Utf8.Length == 0)
                throw Invalid($"piece {id} is empty");
            bool isNormal = piece.Type is SentencePieceType.Normal or SentencePieceType.UserDefined or SentencePieceType.Unused;
            var ids = isNormal ? _normalIds : _reservedIds;
            if (!ids.TryAdd(piece.Text, id))
                throw Invalid($"piece '{piece.Text}' is defined twice (ids {ids[piece.Text]} and {id})");
            switch (piece.Type)
            {
                case SentencePieceType.UserDefined:
                    userDefined.Add((piece.Utf8, id));
                    break;
                case SentencePieceType.Unknown:
                    if (UnkId >= 0)
                        throw Invalid($"it defines the unknown piece twice (ids {UnkId} and {id})");
                    UnkId = id;
                    break;
                case SentencePieceType.Byte:
                    if (!trainer.ByteFallback)
                        throw Invalid($"byte piece '{piece.Text}' (id {id}) is present although byte_fallback is false");
                    int value = ParseBytePiece(piece.Text);
                    if (value < 0)
                        throw Invalid($"byte piece '{piece.Text}' (id {id}) is not of the form <0xXX>");
                    byteIds[value] = id;
                    _idToByte[id] = value;
                    break;
            }
        }
        if (UnkId < 0)
            throw Invalid("it has no piece of type UNKNOWN");
        if (trainer.ByteFallback && Array.IndexOf(byteIds, -1) is int missing and >= 0)
            throw Invalid($"byte_fallback is true but byte piece <0x{missing:X2}> is missing (256 are required)");
        _byteToId = trainer.ByteFallback ? byteIds : [];

        // unigram::Model: score range over NORMAL pieces (std::min/std::max, which keep the running value when a
        // score is NaN), trie over normal, user-defined and unused pieces.
        _minScore = FltMax;
        _maxScore = FltMin;
        foreach (var piece in _pieces)
        {
            if (piece.Type == SentencePieceType.Normal)
            {
                _minScore = piece.Score < _minScore ? piece.Score : _minScore;
                _maxScore = _maxScore < piece.Score ? piece.Score : _maxScore;
            }
        }
        if (_normalIds.Count == 0)
            throw Invalid("it has no normal pieces to segment text with");
        _trie = PieceTrie.Build(_normalIds.Select(kv => (_pieces[kv.Value].Utf8, kv.Value)).ToList());

        var spec = proto.Normalizer;
        _normalizer = new SentencePieceTextNormalizer(
            ParseCharsMap(spec, "normalizer_spec"),
            userDefined.Count > 0 ? PieceTrie.Build(userDefined) : null,
            spec.AddDummyPrefix, spec.RemoveExtraWhitespaces, spec.EscapeWhitespaces, trainer.TreatWhitespaceAsSuffix);
        if (proto.Denormalizer is { PrecompiledCharsmap.Length: > 0 } denorm)
        {
            _denormalizer = new SentencePieceTextNormalizer(
                ParseCharsMap(denorm, "denormalizer_spec"), null,
                denorm.AddDummyPrefix, denorm.RemoveExtraWhitespaces, denorm.EscapeWhitespaces, treatWhitespaceAsSuffix: false);
        }

        AddDummyPrefix = spec.AddDummyPrefix;
        RemoveExtraWhitespaces = spec.RemoveExtraWhitespaces;
        NormalizerName = spec.Name;
        _unkSurface = trainer.UnkSurface;
        BosId = ReservedIdOfType(trainer.BosPiece, "<s>", SentencePieceType.Control);
        EosId = ReservedIdOfType(trainer.EosPiece, "</s>", SentencePieceType.Control);
        PadId = ReservedIdOfType(trainer.PadPiece, "<pad>", SentencePieceType.Control);
    }

    /// <summary>Number of pieces in the model (ids are 0 … <c>PieceCount - 1</c>).</summary>
    public int PieceCount => _pieces.Length;

    /// <summary>Id of the unknown piece (DeBERTa-v3: 3, <c>[UNK]</c>).</summary>
    public int UnkId { get; }

    /// <summary>Id of the beginning-of-sentence control piece named by the model's trainer spec, or -1 (DeBERTa-v3: 1, <c>[CLS]</c>).</summary>
    public int BosId { get; }

    /// <summary>Id of the end-of-sentence control piece named by the model's trainer spec, or -1 (DeBERTa-v3: 2, <c>[SEP]</c>).</summary>
    public int EosId { get; }

    /// <summary>Id of the padding control piece named by the model's trainer spec, or -1 (DeBERTa-v3: 0, <c>[PAD]</c>).</summary>
    public int PadId { get; }

    /// <summary>Whether unknown characters are encoded as their UTF-8 byte pieces <c>&lt;0xXX&gt;</c> (false for DeBERTa-v3).</summary>
    public bool ByteFallback => _byteToId.Length > 0;

    /// <summary>Whether the normaliser puts "▁" before every text (true for DeBERTa-v3: each encoded chunk starts a word).</summary>
    public bool AddDummyPrefix { get; }

    /// <summary>Whether the normaliser drops leading, trailing and repeated whitespace (true for DeBERTa-v3).</summary>
    public bool RemoveExtraWhitespaces { get; }

    /// <summary>The name of the model's normalisation rule set, e.g. <c>nmt_nfkc</c>; informational.</summary>
    public string NormalizerName { get; }

    /// <summary>The exact bytes the model was loaded from; writing them out gives the same <c>spm.model</c>.</summary>
    public ReadOnlyMemory<byte> SerializedModel => _serialized;

    /// <summary>Loads a model from an <c>spm.model</c> file.</summary>
    /// <param name="spmModelPath">Path of the file.</param>
    /// <exception cref="ArgumentException">The path is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist (or is a directory).</exception>
    /// <exception cref="InvalidDataException">The file is not a valid SentencePiece model.</exception>
    /// <exception cref="NotSupportedException">The model is not a unigram model (e.g. BPE).</exception>
    public static SentencePieceUnigramModel Load(string spmModelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(spmModelPath);
        if (Directory.Exists(spmModelPath))
            throw new FileNotFoundException($"'{spmModelPath}' is a directory; pass the path of its spm.model file.", spmModelPath);
        if (!File.Exists(spmModelPath))
            throw new FileNotFoundException($"SentencePiece model file '{spmModelPath}' does not exist.", spmModelPath);
        byte[] bytes = File.ReadAllBytes(spmModelPath);
        try
        {
            return FromBytes(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{spmModelPath}': {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            throw new NotSupportedException($"'{spmModelPath}': {e.Message}", e);
        }
    }

    /// <summary>Loads a model from a stream holding the bytes of an <c>spm.model</c> file (read to its end).</summary>
    /// <param name="spmModel">A readable stream.</param>
    /// <exception cref="ArgumentNullException"><paramref name="spmModel"/> is null.</exception>
    /// <exception cref="ArgumentException">The stream cannot be read.</exception>
    /// <exception cref="InvalidDataException">The bytes are not a valid SentencePiece model.</exception>
    /// <exception cref="NotSupportedException">The model is not a unigram model (e.g. BPE).</exception>
    public static SentencePieceUnigramModel Load(Stream spmModel)
    {
        ArgumentNullException.ThrowIfNull(spmModel);
        if (!spmModel.CanRead)
            throw new ArgumentException("The stream is not readable.", nameof(spmModel));
        using var copy = new MemoryStream();
        spmModel.CopyTo(copy);
        return FromBytes(copy.ToArray());
    }

    private static SentencePieceUnigramModel FromBytes(byte[] bytes)
    {
        if (bytes.Length == 0)
            throw new InvalidDataException("Not a SentencePiece model: the data is empty.");
        return new SentencePieceUnigramModel(bytes, SentencePieceModelProto.Parse(bytes));
    }

    /// <summary>The piece with the given id, e.g. <c>"▁world"</c> or <c>"[CLS]"</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is not in 0 … <see cref="PieceCount"/> - 1.</exception>
    public string IdToPiece(int id) => _pieces[CheckId(id)].Text;

    /// <summary>The id of a piece, or -1 when the model has no such piece.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="piece"/> is null.</exception>
    public int PieceToId(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        // ModelInterface::PieceToId looks at reserved pieces first (it returns the unknown id where this returns -1).
        if (_reservedIds.TryGetValue(piece, out int id) || _normalIds.TryGetValue(piece, out id))
            return id;
        return -1;
    }

    /// <summary>The log-probability score the model stores for a piece.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is out of range.</exception>
    public float GetScore(int id) => _pieces[CheckId(id)].Score;

    /// <summary>The type of a piece.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is out of range.</exception>
    public SentencePieceType GetPieceType(int id) => _pieces[CheckId(id)].Type;

    /// <summary>Whether the piece is a control symbol (DeBERTa-v3: <c>[PAD]</c>, <c>[CLS]</c>, <c>[SEP]</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is out of range.</exception>
    public bool IsControl(int id) => GetPieceType(id) == SentencePieceType.Control;

    /// <summary>Whether the piece is the unknown piece.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is out of range.</exception>
    public bool IsUnknown(int id) => GetPieceType(id) == SentencePieceType.Unknown;

    /// <summary>Encodes a text; see <see cref="Encode(ReadOnlySpan{char})"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public IReadOnlyList<SentencePiecePiece> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Encode(text.AsSpan());
    }

    /// <summary>
    /// Encodes a text as sentencepiece's <c>EncodeAsImmutableProto</c> does: normalises it by the model's rules,
    /// segments it by the Viterbi search over the pieces, fuses each run of unknown characters into one unknown
    /// piece (or, with byte fallback, writes them as byte pieces), and reports each piece's span in
    /// <paramref name="text"/>.
    /// </summary>
    /// <param name="text">The text. Empty or whitespace-only text gives no pieces.</param>
    /// <returns>
    /// The pieces in order. Spans are UTF-16 indices into <paramref name="text"/>; "▁word" after a space starts at
    /// that space, the leading dummy "▁" has an empty span, and characters the normaliser removes are covered by the
    /// piece before them. A lone surrogate is read as U+FFFD (unknown to DeBERTa-v3) and spans its one UTF-16 unit.
    /// </returns>
    public IReadOnlyList<SentencePiecePiece> Encode(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
            return [];
        byte[] original = Utf8Alignment.Encode(text, out int[] utf16Index);
        var normalized = _normalizer.Normalize(original);
        if (normalized.Length == 0)
            return [];
        var segments = Segment(normalized.Bytes);
        return ToPieces(normalized, segments, utf16Index);
    }

    /// <summary>
    /// Decodes ids to text as sentencepiece's <c>DecodeIds</c> does: pieces joined with "▁" read as a space and the
    /// leading one dropped, control pieces dropped, the unknown piece written as the model's unknown surface
    /// (" ⁇ " by default), byte pieces assembled into UTF-8 (invalid bytes become U+FFFD).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in 0 … <see cref="PieceCount"/> - 1.</exception>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new List<byte>();
        var bytes = new List<byte>();
        bool isBosWhitespace = true, bosWhitespaceSeen = false;
        foreach (int id in ids)
        {
            CheckId(id);
            if (_idToByte[id] >= 0)
            {
                bytes.Add((byte)_idToByte[id]);
                continue;
            }
            AppendBytePieces(text, bytes);
            if (bosWhitespaceSeen || text.Count > 0)
                isBosWhitespace = false;
            bosWhitespaceSeen = AppendPiece(text, id, isBosWhitespace);
        }
        AppendBytePieces(text, bytes);
        ReadOnlySpan<byte> decoded = CollectionsMarshal.AsSpan(text);
        if (_denormalizer is not null)
            decoded = _denormalizer.Normalize(decoded).Bytes;
        return Encoding.UTF8.GetString(decoded);
    }

    // DecodeSentencePiece in sentencepiece_processor.cc; returns whether a leading "▁" was consumed as the
    // dummy prefix (never, when extra whitespace is removed: then every leading "▁" is dropped).
    private bool AppendPiece(List<byte> text, int id, bool isBosWhitespace)
    {
        var piece = _pieces[id];
        switch (piece.Type)
        {
            case SentencePieceType.Control:
                return false;
            case SentencePieceType.Unknown:
                text.AddRange(_unkSurface);
                return false;
        }
        ReadOnlySpan<byte> bytes = piece.Utf8;
        bool hasBosWhitespace = false;
        if (isBosWhitespace && (AddDummyPrefix || RemoveExtraWhitespaces))
        {
            if (bytes.StartsWith(SentencePieceUtf8.SpaceSymbol))
            {
                bytes = bytes[SentencePieceUtf8.SpaceSymbol.Length..];
                hasBosWhitespace = true;
            }
            if (RemoveExtraWhitespaces)
                hasBosWhitespace = false;
        }
        while (!bytes.IsEmpty)
        {
            if (bytes.StartsWith(SentencePieceUtf8.SpaceSymbol))
            {
                text.Add((byte)' ');
                bytes = bytes[SentencePieceUtf8.SpaceSymbol.Length..];
            }
            else
            {
                text.Add(bytes[0]);
                bytes = bytes[1..];
            }
        }
        return hasBosWhitespace;
    }

    // ProcessBytePieces: the bytes of consecutive byte pieces, decoded as UTF-8 with U+FFFD per invalid byte.
    private static void AppendBytePieces(List<byte> text, List<byte> bytes)
    {
        if (bytes.Count == 0)
            return;
        ReadOnlySpan<byte> rest = CollectionsMarshal.AsSpan(bytes);
        while (!rest.IsEmpty)
        {
            bool valid = SentencePieceUtf8.TryDecode(rest, out int length);
            if (valid)
                text.AddRange(rest[..length]);
            else
                text.AddRange(SentencePieceUtf8.ReplacementCharacter);
            rest = rest[length..];
        }
        bytes.Clear();
    }

    private struct BestPathNode
    {
        public int Id;
        public float Score;
        public int StartsAt;
    }

    /// <summary>
    /// unigram::Model::EncodeOptimized: the best path over the normalised bytes, where a piece scores its log
    /// probability, a user-defined symbol <c>length · max_score − 0.1</c>, and a character no piece starts with
    /// the unknown score <c>min_score − 10</c>. The arithmetic keeps sentencepiece's types (piece scores added in
    /// double and stored as float, unknown scores added in float) so that ties break identically.
    /// </summary>
    private List<(int Start, int End, int Id)> Segment(ReadOnlySpan<byte> normalized)
    {
        int size = normalized.Length;
        var best = new BestPathNode[size + 1];
        for (int i = 0; i <= size; i++)
        {
            best[i].Id = -1;
            best[i].StartsAt = -1;
        }
        float unkScore = _minScore - UnkPenalty;
        var pieces = _pieces;
        int startsAt = 0;
        while (startsAt < size)
        {
            float tillHere = best[startsAt].Score;
            bool hasSingleNode = false;
            int charLength = Math.Min(SentencePieceUtf8.OneCharLength(normalized[startsAt]), size - startsAt);
            int node = PieceTrie.RootNode;
            for (int keyPos = startsAt; keyPos < size;)
            {
                if (!_trie.TryStep(ref node, normalized[keyPos]))
                    break;
                keyPos++;
                int id = _trie.ValueAt(node);
                if (id < 0)
                    continue;
                var type = pieces[id].Type;
                if (type == SentencePieceType.Unused)
                    continue;
                int length = keyPos - startsAt;
                double score = type == SentencePieceType.UserDefined
                    ? (double)(length * _maxScore) - 0.1
                    : pieces[id].Score;
                double candidate = score + tillHere;
                ref var target = ref best[keyPos];
                if (target.StartsAt == -1 || candidate > target.Score)
                {
                    target.Score = (float)candidate;
                    target.StartsAt = startsAt;
                    target.Id = id;
                }
                if (length == charLength)
                    hasSingleNode = true;
            }
            if (!hasSingleNode)
            {
                ref var target = ref best[startsAt + charLength];
                float candidate = unkScore + tillHere;
                if (target.StartsAt == -1 || candidate > target.Score)
                {
                    target.Score = candidate;
                    target.StartsAt = startsAt;
                    target.Id = UnkId;
                }
            }
            startsAt += charLength;
        }

        var result = new List<(int Start, int End, int Id)>();
        for (int end = size; end > 0;)
        {
            var node = best[end];
            result.Add((node.StartsAt, end, node.Id));
            end = node.StartsAt;
        }
        result.Reverse();
        return result;
    }

    /// <summary>
    /// PopulateSentencePieceText: maps each segment to the original text and fuses consecutive unknown segments
    /// (or splits them into byte pieces when the model has byte fallback).
    /// </summary>
    private List<SentencePiecePiece> ToPieces(NormalizedText normalized, List<(int Start, int End, int Id)> segments, int[] utf16Index)
    {
        var normToOrig = normalized.NormToOrig;
        var bytes = normalized.Bytes;
        var pieces = new List<SentencePiecePiece>(segments.Count);
        // The open run of unknown segments (normalised byte range); its piece is pieces[^1], whose text is written
        // once when the run ends, so a long run costs linear time.
        int runStart = -1, runEnd = -1;
        foreach (var (start, end, id) in segments)
        {
            bool isUnknown = id == UnkId;
            int begin = utf16Index[normToOrig[start]];
            int finish = utf16Index[normToOrig[end]];
            if (isUnknown && ByteFallback)
            {
                // Each byte becomes <0xXX>; the last one carries the character's span, the others an empty one.
                for (int i = start; i < end; i++)
                {
                    int byteId = _byteToId[bytes[i]];
                    pieces.Add(new SentencePiecePiece(byteId, _pieces[byteId].Text, begin, i == end - 1 ? finish : begin));
                }
            }
            else if (isUnknown && runStart >= 0)
            {
                runEnd = end;
                pieces[^1] = pieces[^1] with { End = finish };
            }
            else
            {
                CloseUnknownRun(pieces, bytes, ref runStart, runEnd);
                if (isUnknown)
                {
                    (runStart, runEnd) = (start, end);
                    pieces.Add(new SentencePiecePiece(id, "", begin, finish));
                }
                else
                {
                    pieces.Add(new SentencePiecePiece(id, _pieces[id].Text, begin, finish));
                }
            }
        }
        CloseUnknownRun(pieces, bytes, ref runStart, runEnd);
        return pieces;
    }

    // The piece of a run of unknown characters is their normalised text (sentencepiece concatenates the pieces).
    private static void CloseUnknownRun(List<SentencePiecePiece> pieces, ReadOnlySpan<byte> normalized, ref int runStart, int runEnd)
    {
        if (runStart < 0)
            return;
        pieces[^1] = pieces[^1] with { Piece = Encoding.UTF8.GetString(normalized[runStart..runEnd]) };
        runStart = -1;
    }

    private int ReservedIdOfType(string piece, string defaultPiece, SentencePieceType type)
    {
        if (piece.Length == 0)
            piece = defaultPiece;
        int id = PieceToId(piece);
        return id >= 0 && _pieces[id].Type == type ? id : -1;
    }

    private int CheckId(int id)
    {
        if ((uint)id >= (uint)_pieces.Length)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Piece id {id} is not in 0 … {_pieces.Length - 1}.");
        return id;
    }

    private static PrecompiledCharsMap? ParseCharsMap(SentencePieceModelProto.NormalizerSpec spec, string field) =>
        spec.PrecompiledCharsmap.Length == 0 ? null : PrecompiledCharsMap.Parse(spec.PrecompiledCharsmap, field);

    // "<0x41>" -> 0x41; only the exact form sentencepiece writes (two upper-case hex digits) is a byte piece.
    private static int ParseBytePiece(string piece)
    {
        if (piece.Length != 6 || !piece.StartsWith("<0x", StringComparison.Ordinal) || piece[5] != '>')
            return -1;
        var hex = piece.AsSpan(3, 2);
        foreach (char c in hex)
        {
            if (!char.IsAsciiHexDigitUpper(c) && !char.IsAsciiDigit(c))
                return -1;
        }
        return int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private static InvalidDataException Invalid(string what) => new($"Not a usable SentencePiece model: {what}.");
}
