namespace Microsoft.ML.Deberta.Tokenization;

/// <summary>
/// The five DeBERTa special tokens with their ids and strip flags, plus any other added tokens of the folder.
/// bos = <c>[CLS]</c> and eos = <c>[SEP]</c>, as in transformers.
/// </summary>
internal sealed record SpecialTokenSet(
    AddedToken Cls, AddedToken Sep, AddedToken Pad, AddedToken Unk, AddedToken Mask, IReadOnlyList<AddedToken> Others)
{
    /// <summary>Every token matched literally in text: the five special tokens first, then the others.</summary>
    public IEnumerable<AddedToken> All => new[] { Cls, Sep, Pad, Unk, Mask }.Concat(Others);

    /// <summary>transformers' <c>all_special_ids</c> order: bos, eos, unk, sep, pad, cls, mask, then additional special tokens; duplicates removed.</summary>
    public int[] AllSpecialIds()
        => new[] { Cls, Sep, Unk, Sep, Pad, Cls, Mask }.Concat(Others.Where(t => t.Special))
            .Select(t => t.Id).Distinct().ToArray();
}
