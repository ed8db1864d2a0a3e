namespace Microsoft.ML.Deberta.Tokenization;

public abstract partial class DebertaTokenizerBase
{
    /// <summary>Returns the number of special tokens the template adds: 2 for a single sequence, 3 for a pair.</summary>
    public int NumSpecialTokensToAdd(bool pair = false) => pair ? 3 : 2;

    /// <summary>
    /// Wraps ids in the template: <c>[CLS] X [SEP]</c> or <c>[CLS] A [SEP] B [SEP]</c>
    /// (transformers' <c>build_inputs_with_special_tokens</c>).
    /// </summary>
    public IReadOnlyList<int> BuildInputsWithSpecialTokens(IReadOnlyList<int> tokenIds0, IReadOnlyList<int>? tokenIds1 = null)
    {
        ArgumentNullException.ThrowIfNull(tokenIds0);
        var result = new List<int>(tokenIds0.Count + (tokenIds1?.Count ?? 0) + 3) { ClsTokenId };
        result.AddRange(tokenIds0);
        result.Add(SepTokenId);
        if (tokenIds1 is not null)
        {
            result.AddRange(tokenIds1);
            result.Add(SepTokenId);
        }
        return result;
    }

    /// <summary>
    /// Returns 1 for the special tokens the template would add and 0 for sequence tokens
    /// (transformers' <c>get_special_tokens_mask</c>). With <paramref name="alreadyHasSpecialTokens"/>, marks
    /// every id of <paramref name="tokenIds0"/> that is in <see cref="AllSpecialIds"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A second sequence was given for ids that already have special tokens.</exception>
    public IReadOnlyList<int> GetSpecialTokensMask(IReadOnlyList<int> tokenIds0, IReadOnlyList<int>? tokenIds1 = null, bool alreadyHasSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(tokenIds0);
        if (alreadyHasSpecialTokens)
        {
            if (tokenIds1 is not null)
                throw new ArgumentException(
                    "You should not supply a second sequence if the provided sequence of ids is already formatted with special tokens for the model.",
                    nameof(tokenIds1));
            return tokenIds0.Select(id => IsSpecialTokenId(id) ? 1 : 0).ToArray();
        }
        var mask = new List<int>(tokenIds0.Count + (tokenIds1?.Count ?? 0) + 3) { 1 };
        mask.AddRange(Enumerable.Repeat(0, tokenIds0.Count));
        mask.Add(1);
        if (tokenIds1 is not null)
        {
            mask.AddRange(Enumerable.Repeat(0, tokenIds1.Count));
            mask.Add(1);
        }
        return mask;
    }

    /// <summary>
    /// Returns the token type ids of the template: 0 for <c>[CLS] A [SEP]</c>, 1 for <c>B [SEP]</c>
    /// (transformers 4.x <c>create_token_type_ids_from_sequences</c>).
    /// </summary>
    public IReadOnlyList<int> CreateTokenTypeIdsFromSequences(IReadOnlyList<int> tokenIds0, IReadOnlyList<int>? tokenIds1 = null)
    {
        ArgumentNullException.ThrowIfNull(tokenIds0);
        var types = new List<int>(Enumerable.Repeat(0, tokenIds0.Count + 2));
        if (tokenIds1 is not null)
            types.AddRange(Enumerable.Repeat(1, tokenIds1.Count + 1));
        return types;
    }
}
