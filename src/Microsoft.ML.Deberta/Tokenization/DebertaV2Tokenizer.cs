using System.Globalization;
using System.Text;
using Microsoft.ML.Deberta.Tokenization.SentencePiece;

namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// The DeBERTa v2/v3 tokenizer: the model's SentencePiece unigram model (<c>spm.model</c>, encoded exactly as the
/// <c>sentencepiece</c> library does, with the model's own normaliser) plus the DeBERTa special tokens. Every chunk of
/// text between special tokens is encoded on its own and so gets its own "▁" prefix. <c>[MASK]</c> is appended at
/// id = piece count when the model lacks it (DeBERTa-v3: 128000). Load it with <see cref="FromFolder"/>.
/// </summary>
/// <remarks>
/// Runs of characters the model does not know become one <c>[UNK]</c> (id <see cref="DebertaTokenizerBase.UnkTokenId"/>);
/// their token string is the normalised text of the run, as sentencepiece reports it. Lowercasing
/// (<see cref="DoLowerCase"/>) uses .NET's invariant simple case mapping, which keeps offsets aligned but differs from
/// Python's <c>str.lower()</c> for a few characters (e.g. U+0130, final sigma).
/// </remarks>
public sealed partial class DebertaV2Tokenizer : DebertaTokenizerBase
{
    private readonly SentencePieceUnigramModel _model;
    private readonly Dictionary<int, string> _addedById;
    private readonly Dictionary<string, int> _addedByContent;
    private readonly HashSet<int> _decodeAsText;

    private DebertaV2Tokenizer(SentencePieceUnigramModel model, SpecialTokenSet specialTokens, bool doLowerCase, bool splitByPunct, int modelMaxLength)
        : base(specialTokens, modelMaxLength)
    {
        _model = model;
        DoLowerCase = doLowerCase;
        SplitByPunct = splitByPunct;
        _addedById = specialTokens.All.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First().Content);
        _addedByContent = specialTokens.All.GroupBy(t => t.Content, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);
        // transformers 4.x hands these to SPMTokenizer as its special tokens: written verbatim when decoding.
        _decodeAsText = new HashSet<int>(specialTokens.All.Where(t => t.Special).Select(t => t.Id));
        VocabularySize = model.PieceCount + _addedById.Keys.Count(id => id >= model.PieceCount);
    }

    /// <summary>Gets whether text is lowercased before SentencePiece (<c>do_lower_case</c>).</summary>
    public bool DoLowerCase { get; }

    /// <summary>Gets whether text is split into runs of non-punctuation and single punctuation characters first (<c>split_by_punct</c>).</summary>
    public bool SplitByPunct { get; }

    /// <summary>
    /// Whether tabs, newlines and runs of whitespace become spaces before SentencePiece, as the
    /// <c>Replace(\s{2,}|[\n\r\t], " ")</c> normaliser of a transformers 5 <c>tokenizer.json</c> does.
    /// </summary>
    internal bool FoldsWhitespace { get; private init; }

    /// <summary>Whether text is composed to NFC first (the <c>NFC</c> step of a transformers 5 <c>tokenizer.json</c>).</summary>
    internal bool ComposesNfc { get; private init; }

    /// <summary>
    /// Whether the tokenizer came from a <c>tokenizer.json</c> and so follows the <c>tokenizers</c> library where it
    /// differs from sentencepiece and transformers 4.x's slow tokenizer: a run of unknown characters has the token
    /// string <c>[UNK]</c> (not its own text) and an empty second text means no pair.
    /// </summary>
    internal bool FastTokenizerConventions { get; private init; }

    /// <summary>Gets the SentencePiece model.</summary>
    internal SentencePieceUnigramModel Model => _model;

    /// <inheritdoc/>
    public override int VocabularySize { get; }

    /// <inheritdoc/>
    public override int ModelVocabularySize => _model.PieceCount;

    private protected override bool EmptyPairIsAbsent => FastTokenizerConventions;

    private protected override string TransformersClassName => "DebertaV2Tokenizer";

    private protected override IReadOnlyDictionary<string, bool> ConfigFlags()
        => new Dictionary<string, bool> { ["do_lower_case"] = DoLowerCase, ["split_by_punct"] = SplitByPunct };

    private protected override string? IdToTokenOrNull(int id)
    {
        if (_addedById.TryGetValue(id, out string? added))
            return added;
        return (uint)id < (uint)_model.PieceCount ? _model.IdToPiece(id) : null;
    }

    private protected override int TokenToIdOrMinusOne(string token)
        => _addedByContent.TryGetValue(token, out int id) ? id : _model.PieceToId(token);

    /// <summary>
    /// transformers 4.x's decoding for this tokenizer, without the optional clean-up of tokenization spaces: added
    /// tokens that are not special are written on their own and the parts joined with spaces
    /// (<c>PreTrainedTokenizer._decode</c>); within each part, runs of ordinary pieces are decoded by SentencePiece
    /// ("▁" becomes a space), special tokens are written as their text with a space before the first of a group,
    /// and the part is stripped (<c>SPMTokenizer.decode</c>).
    /// </summary>
    private protected override string DecodeCore(IReadOnlyList<int> ids, bool skipSpecialTokens)
    {
        var parts = new List<string>();
        var part = new List<int>();
        foreach (int id in ids)
        {
            if (skipSpecialTokens && IsSpecialTokenId(id))
                continue;
            if (_addedById.ContainsKey(id) && !_decodeAsText.Contains(id))
            {
                string decoded = DecodePart(part);
                if (decoded.Length > 0)
                    parts.Add(decoded);
                part.Clear();
                parts.Add(_addedById[id]);
            }
            else
                part.Add(id);
        }
        if (part.Count > 0)
            parts.Add(DecodePart(part));
        return string.Join(' ', parts);
    }

    private string DecodePart(List<int> ids)
    {
        var text = new StringBuilder();
        var run = new List<int>();
        bool previousSpecial = false;
        foreach (int id in ids)
        {
            if (_decodeAsText.Contains(id))
            {
                if (!previousSpecial)
                    text.Append(' ');
                text.Append(_model.Decode(run)).Append(IdToTokenOrNull(id));
                run.Clear();
                previousSpecial = true;
            }
            else
            {
                run.Add(id);
                previousSpecial = false;
            }
        }
        text.Append(_model.Decode(run));
        return text.ToString().Trim();
    }

    /// <summary>Writes the model's serialized proto as <c>spm.model</c>, as transformers' <c>save_vocabulary</c> does.</summary>
    public override IReadOnlyList<string> SaveVocabulary(string directory, string? filenamePrefix = null)
    {
        string path = VocabularyFilePath(directory, filenamePrefix, "spm.model");
        File.WriteAllBytes(path, _model.SerializedModel.ToArray());
        return [path];
    }
}
