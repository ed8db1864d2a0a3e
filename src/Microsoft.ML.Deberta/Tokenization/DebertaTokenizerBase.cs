namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// The encoding API shared by <see cref="DebertaTokenizer"/> (v1, byte-level BPE) and
/// <c>DebertaV2Tokenizer</c> (v2/v3, SentencePiece): single texts and pairs (<c>[CLS] A [SEP] B [SEP]</c>,
/// token types 0 then 1), pre-split words, truncation, padding, overflow windows, offsets, decoding and the
/// transformers helper methods, with the semantics of transformers 4.x fast tokenizers. Instances are immutable
/// and safe to use from several threads.
/// </summary>
public abstract partial class DebertaTokenizerBase
{
    private readonly AddedTokenSplitter _splitter;
    private readonly int[] _allSpecialIds;
    private readonly HashSet<int> _specialIdSet;

    private protected DebertaTokenizerBase(SpecialTokenSet specialTokens, int modelMaxLength)
    {
        SpecialTokens = specialTokens;
        ModelMaxLength = modelMaxLength;
        _splitter = new AddedTokenSplitter(specialTokens.All);
        _allSpecialIds = specialTokens.AllSpecialIds();
        _specialIdSet = new HashSet<int>(_allSpecialIds);
    }

    internal SpecialTokenSet SpecialTokens { get; }

    /// <summary>Gets the classifier / beginning-of-sequence token, <c>[CLS]</c>.</summary>
    public string ClsToken => SpecialTokens.Cls.Content;

    /// <summary>Gets the id of <see cref="ClsToken"/>.</summary>
    public int ClsTokenId => SpecialTokens.Cls.Id;

    /// <summary>Gets the separator / end-of-sequence token, <c>[SEP]</c>.</summary>
    public string SepToken => SpecialTokens.Sep.Content;

    /// <summary>Gets the id of <see cref="SepToken"/>.</summary>
    public int SepTokenId => SpecialTokens.Sep.Id;

    /// <summary>Gets the padding token, <c>[PAD]</c>.</summary>
    public string PadToken => SpecialTokens.Pad.Content;

    /// <summary>Gets the id of <see cref="PadToken"/>.</summary>
    public int PadTokenId => SpecialTokens.Pad.Id;

    /// <summary>Gets the unknown token, <c>[UNK]</c>.</summary>
    public string UnkToken => SpecialTokens.Unk.Content;

    /// <summary>Gets the id of <see cref="UnkToken"/>.</summary>
    public int UnkTokenId => SpecialTokens.Unk.Id;

    /// <summary>Gets the mask token, <c>[MASK]</c>.</summary>
    public string MaskToken => SpecialTokens.Mask.Content;

    /// <summary>Gets the id of <see cref="MaskToken"/>.</summary>
    public int MaskTokenId => SpecialTokens.Mask.Id;

    /// <summary>Gets the ids of all special tokens in transformers' <c>all_special_ids</c> order.</summary>
    public IReadOnlyList<int> AllSpecialIds => _allSpecialIds;

    /// <summary>Gets the number of ids the tokenizer can produce, added tokens included (<c>len(tokenizer)</c>).</summary>
    public abstract int VocabularySize { get; }

    /// <summary>Gets the size of the underlying model's vocabulary without added tokens (transformers' <c>vocab_size</c>).</summary>
    public abstract int ModelVocabularySize { get; }

    /// <summary>Gets the maximum length used when truncation is requested without <see cref="DebertaEncodeOptions.MaxLength"/>.</summary>
    public int ModelMaxLength { get; }

    /// <summary>
    /// Whether an empty second text means "no second text" (v1: transformers' fast tokenizer tests
    /// <c>if text_pair</c>) or an empty second sequence (v2/v3: <c>[CLS] A [SEP] [SEP]</c>, as the slow tokenizer
    /// and sentencepiece references do).
    /// </summary>
    private protected abstract bool EmptyPairIsAbsent { get; }

    /// <summary>Whether <see cref="TokenizeText"/> may run on several threads at once.</summary>
    private protected virtual bool SupportsConcurrentTokenization => true;

    /// <summary>
    /// Appends the tokens of <c>text[start..end]</c>, a chunk without added tokens, to <paramref name="output"/>.
    /// Offsets are relative to <paramref name="text"/>. Each token gets <paramref name="fixedWordId"/> when set,
    /// otherwise the next word id per word the model's pre-tokenizer finds. Stops after the word that brings the
    /// sequence to <paramref name="tokenLimit"/> tokens.
    /// </summary>
    private protected abstract void TokenizeText(
        string text, int start, int end, TokenizedSequence output, int? fixedWordId, ref int nextWordId, int tokenLimit);

    /// <summary>Returns the vocabulary entry of <paramref name="id"/>, or null when no token has that id.</summary>
    private protected abstract string? IdToTokenOrNull(int id);

    /// <summary>Returns the id of a vocabulary entry, or -1.</summary>
    private protected abstract int TokenToIdOrMinusOne(string token);

    /// <summary>Decodes ids already checked to be in range.</summary>
    private protected abstract string DecodeCore(IReadOnlyList<int> ids, bool skipSpecialTokens);

    /// <summary>Returns whether <paramref name="id"/> is one of <see cref="AllSpecialIds"/>.</summary>
    public bool IsSpecialTokenId(int id) => _specialIdSet.Contains(id);

    /// <summary>
    /// Splits <paramref name="text"/> into token strings without special tokens around it (transformers'
    /// <c>tokenize</c>). Added tokens written in the text appear as the text they matched, including whitespace
    /// a <c>[MASK]</c> absorbed (v1: <c>" [MASK]"</c>).
    /// </summary>
    /// <param name="text">The text; not null.</param>
    public IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        var chunks = new List<TextChunk>();
        _splitter.Split(text, chunks);
        foreach (TextChunk chunk in chunks)
        {
            if (chunk.IsAddedToken)
            {
                tokens.Add(text[chunk.Start..chunk.End]);
                continue;
            }
            var sequence = new TokenizedSequence(SequenceSource.FromText(text));
            int word = 0;
            TokenizeText(text, chunk.Start, chunk.End, sequence, null, ref word, int.MaxValue);
            for (int i = 0; i < sequence.Count; i++)
                tokens.Add(sequence.Tokens?[i] ?? IdToTokenOrNull(sequence.Ids[i])!);
        }
        return tokens;
    }

    /// <summary>Returns the vocabulary entry of <paramref name="id"/> (<c>convert_ids_to_tokens</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No token has that id.</exception>
    public string ConvertIdToToken(int id)
        => IdToTokenOrNull(id) ?? throw new ArgumentOutOfRangeException(nameof(id), $"No token has id {id} (vocabulary size {VocabularySize}).");

    /// <summary>Returns the vocabulary entries of <paramref name="ids"/>, optionally without special tokens.</summary>
    public IReadOnlyList<string> ConvertIdsToTokens(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Where(id => !skipSpecialTokens || !IsSpecialTokenId(id)).Select(ConvertIdToToken).ToArray();
    }

    /// <summary>Returns the id of a vocabulary entry or added token, or <see cref="UnkTokenId"/> when unknown.</summary>
    public int ConvertTokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        int id = TokenToIdOrMinusOne(token);
        return id >= 0 ? id : UnkTokenId;
    }

    /// <summary>Returns the ids of vocabulary entries (<see cref="UnkTokenId"/> for unknown ones).</summary>
    public IReadOnlyList<int> ConvertTokensToIds(IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return tokens.Select(ConvertTokenToId).ToArray();
    }

    /// <summary>
    /// Turns ids back into text. v1 writes special tokens as their text with no space clean-up
    /// (<c>[CLS]Hello world[SEP]</c>); v2/v3 follow transformers' SentencePiece decoding.
    /// </summary>
    /// <param name="ids">Token ids; each must exist.</param>
    /// <param name="skipSpecialTokens">Leave out the ids in <see cref="AllSpecialIds"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An id does not exist.</exception>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int[] list = ids.ToArray();
        foreach (int id in list)
            if (IdToTokenOrNull(id) is null)
                throw new ArgumentOutOfRangeException(nameof(ids), $"No token has id {id} (vocabulary size {VocabularySize}).");
        return DecodeCore(list, skipSpecialTokens);
    }

    /// <summary>
    /// Writes the files transformers needs to load this tokenizer's vocabulary back (v1: <c>vocab.json</c> and
    /// <c>merges.txt</c>; v2/v3: <c>spm.model</c>) and returns their paths.
    /// </summary>
    /// <param name="directory">An existing directory.</param>
    /// <param name="filenamePrefix">Optional prefix, joined with a dash as transformers does.</param>
    public abstract IReadOnlyList<string> SaveVocabulary(string directory, string? filenamePrefix = null);

    /// <summary>
    /// Writes everything needed to load this tokenizer back with the same behaviour, here or in transformers:
    /// the vocabulary files (<see cref="SaveVocabulary"/>), <c>tokenizer_config.json</c> (settings, model max length,
    /// and every added token with its id and strip flags in <c>added_tokens_decoder</c>) and
    /// <c>special_tokens_map.json</c>. Returns the paths written.
    /// </summary>
    /// <param name="directory">A directory; created when missing.</param>
    public IReadOnlyList<string> SavePretrained(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var files = new List<string>(SaveVocabulary(directory));
        files.AddRange(TokenizerConfigWriter.Write(directory, SpecialTokens, TransformersClassName, ModelMaxLength, ConfigFlags()));
        return files;
    }

    /// <summary>The transformers class that loads the saved folder (<c>tokenizer_class</c>).</summary>
    private protected abstract string TransformersClassName { get; }

    /// <summary>The boolean settings written to <c>tokenizer_config.json</c>.</summary>
    private protected abstract IReadOnlyDictionary<string, bool> ConfigFlags();

    private protected static string VocabularyFilePath(string directory, string? filenamePrefix, string name)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot save the vocabulary: directory '{directory}' does not exist.");
        return Path.Combine(directory, string.IsNullOrEmpty(filenamePrefix) ? name : filenamePrefix + "-" + name);
    }
}
