using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// The DeBERTa v1 tokenizer: GPT-2 byte-level BPE (Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/> with the
/// RoBERTa pre-tokenizer) plus the DeBERTa special tokens — <c>[PAD]</c>, <c>[CLS]</c>, <c>[SEP]</c>, <c>[UNK]</c>,
/// and <c>[MASK]</c>, which absorbs the whitespace before it. Load it with <see cref="FromFolder"/>.
/// Byte-level BPE never produces <c>[UNK]</c>: every text, including control characters and lone surrogates, maps to bytes.
/// </summary>
public sealed partial class DebertaTokenizer : DebertaTokenizerBase
{
    private readonly BpeTokenizer _bpe;
    private readonly LongWordBytePairEncoder _longWords;
    private readonly Dictionary<string, int> _tokenToId;
    private readonly string?[] _idToToken;
    private readonly int[] _tokenByteLength;
    private readonly List<(string Left, string Right)> _merges;
    private readonly Dictionary<string, int> _modelVocabulary; // vocab.json: what save_vocabulary writes back

    private DebertaTokenizer(ByteLevelBpeVocabulary vocabulary, SpecialTokenSet specialTokens, bool addPrefixSpace, int modelMaxLength)
        : base(specialTokens, modelMaxLength)
    {
        AddPrefixSpace = addPrefixSpace;
        _merges = vocabulary.Merges;
        _modelVocabulary = vocabulary.Vocabulary;
        _tokenToId = new Dictionary<string, int>(vocabulary.Vocabulary, StringComparer.Ordinal);
        foreach (AddedToken token in specialTokens.All)
            _tokenToId.TryAdd(token.Content, token.Id);

        int size = Math.Max(_tokenToId.Values.Max(), specialTokens.All.Max(t => t.Id)) + 1;
        _idToToken = new string?[size];
        _tokenByteLength = new int[size];
        foreach ((string token, int id) in vocabulary.Vocabulary)
        {
            _idToToken[id] = token;
            _tokenByteLength[id] = token.Length; // one alphabet character per byte
        }
        foreach (AddedToken token in specialTokens.All)
            _idToToken[token.Id] ??= token.Content;

        _bpe = BpeTokenizer.Create(new BpeOptions(vocabulary.Vocabulary)
        {
            Merges = vocabulary.Merges.Select(m => m.Left + " " + m.Right),
            ByteLevel = true,
            PreTokenizer = RobertaPreTokenizer.Instance,
        });

        var byteIds = new int[256];
        for (int b = 0; b < 256; b++)
            byteIds[b] = vocabulary.Vocabulary[ByteLevelAlphabet.ByteToChar(b).ToString()];
        var merges = new Dictionary<long, (int Rank, int NewId)>(vocabulary.Merges.Count);
        for (int rank = 0; rank < vocabulary.Merges.Count; rank++)
        {
            (string left, string right) = vocabulary.Merges[rank];
            merges[LongWordBytePairEncoder.PairKey(vocabulary.Vocabulary[left], vocabulary.Vocabulary[right])] =
                (rank, vocabulary.Vocabulary[left + right]);
        }
        _longWords = new LongWordBytePairEncoder(byteIds, merges);
    }

    /// <summary>Gets whether a space is prepended to every text chunk that does not start with one (<c>add_prefix_space</c>).</summary>
    public bool AddPrefixSpace { get; }

    /// <inheritdoc/>
    public override int VocabularySize => _tokenToId.Count;

    /// <inheritdoc/>
    public override int ModelVocabularySize => _modelVocabulary.Count;

    private protected override bool EmptyPairIsAbsent => true;

    private protected override string TransformersClassName => "DebertaTokenizer";

    private protected override IReadOnlyDictionary<string, bool> ConfigFlags() => new Dictionary<string, bool> { ["add_prefix_space"] = AddPrefixSpace };

    private protected override string? IdToTokenOrNull(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    private protected override int TokenToIdOrMinusOne(string token) => _tokenToId.TryGetValue(token, out int id) ? id : -1;
}
