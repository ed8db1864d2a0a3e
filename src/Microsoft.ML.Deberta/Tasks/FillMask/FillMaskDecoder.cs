using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks.FillMask;

/// <summary>
/// Turns masked-LM logits into fill-mask propositions by transformers' <c>fill-mask</c> pipeline rules: for each
/// mask, softmax over the whole vocabulary, optionally restricted to <see cref="FillMaskTargets"/> (not
/// renormalised; <c>top_k</c> capped at the number of targets), the <c>top_k</c> highest, each with its decoded
/// token and the decoded text with that mask filled. Plain arrays in, no model or tensors: the caller runs
/// <c>DebertaForMaskedLM</c> and hands over the logits of one text.
/// </summary>
/// <example>
/// <code>
/// var decoder = new FillMaskDecoder(tokenizer);
/// var encoding = tokenizer.Encode("The capital of France is [MASK].");
/// // logits: the (L, V) row-major scores of DebertaForMaskedLM for this encoding
/// var perMask = decoder.Decode(encoding.InputIds, logits, config.VocabSize, topK: 5);
/// </code>
/// </example>
public sealed class FillMaskDecoder
{
    /// <summary>transformers' default <c>top_k</c>.</summary>
    public const int DefaultTopK = 5;

    private readonly DebertaTokenizerBase _tokenizer;

    /// <summary>Creates a decoder that decodes tokens and sequences with <paramref name="tokenizer"/>.</summary>
    public FillMaskDecoder(DebertaTokenizerBase tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
    }

    /// <summary>The positions of the tokenizer's mask token in <paramref name="inputIds"/>, in order.</summary>
    public IReadOnlyList<int> MaskPositions(IReadOnlyList<int> inputIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        var positions = new List<int>();
        for (int i = 0; i < inputIds.Count; i++)
            if (inputIds[i] == _tokenizer.MaskTokenId)
                positions.Add(i);
        return positions;
    }

    /// <summary>The propositions for every mask of one text: one list per mask, in text order, best first.</summary>
    /// <param name="inputIds">The text's token ids as the model saw them (padding allowed; it is left out of sequences).</param>
    /// <param name="logits">Row-major (positions, <paramref name="vocabularySize"/>) scores, at least one row per input id.</param>
    /// <param name="vocabularySize">Width of a logits row (the config's vocab_size).</param>
    /// <param name="topK">How many propositions per mask (transformers' default 5).</param>
    /// <param name="targets">When given, only these ids are proposed.</param>
    /// <exception cref="ArgumentException">The ids hold no mask token, or the logits are too short for them.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is not in 1…vocabulary size, or a target id is outside the logits.</exception>
    public IReadOnlyList<IReadOnlyList<FillMaskPrediction>> Decode(
        IReadOnlyList<int> inputIds, ReadOnlySpan<float> logits, int vocabularySize, int topK = DefaultTopK, FillMaskTargets? targets = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        if ((long)inputIds.Count * vocabularySize > logits.Length)
            throw new ArgumentException($"logits hold {logits.Length} scores but {inputIds.Count} ids × vocabulary size {vocabularySize} are needed: pass the (L, V) logits of this text.", nameof(logits));
        return DecodeRows(inputIds, logits, rowPerMask: false, vocabularySize, topK, targets);
    }

    /// <summary>
    /// <see cref="Decode"/> from the masks' logits alone: row m of <paramref name="maskLogits"/> scores the m-th mask of
    /// <paramref name="inputIds"/> (as <see cref="MaskPositions"/> orders them), what <c>DebertaForMaskedLM.LogitsAt</c> returns.
    /// </summary>
    /// <exception cref="ArgumentException">The ids hold no mask token, or the logits do not hold one row per mask.</exception>
    internal IReadOnlyList<IReadOnlyList<FillMaskPrediction>> DecodeAtMasks(
        IReadOnlyList<int> inputIds, ReadOnlySpan<float> maskLogits, int vocabularySize, int topK = DefaultTopK, FillMaskTargets? targets = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        int masks = MaskPositions(inputIds).Count;
        if (masks > 0 && (long)masks * vocabularySize != maskLogits.Length)
            throw new ArgumentException($"logits hold {maskLogits.Length} scores but {masks} masks × vocabulary size {vocabularySize} are needed: pass one row per mask.", nameof(maskLogits));
        return DecodeRows(inputIds, maskLogits, rowPerMask: true, vocabularySize, topK, targets);
    }

    // rowPerMask: logits row m belongs to the m-th mask; otherwise row i to position i.
    private IReadOnlyList<IReadOnlyList<FillMaskPrediction>> DecodeRows(
        IReadOnlyList<int> inputIds, ReadOnlySpan<float> logits, bool rowPerMask, int vocabularySize, int topK, FillMaskTargets? targets)
    {
        var masks = MaskPositions(inputIds);
        if (masks.Count == 0)
            throw new ArgumentException($"No mask token ({_tokenizer.MaskToken}) found in the input: write {_tokenizer.MaskToken} where a word should be predicted.", nameof(inputIds));
        int[] candidates = Candidates(vocabularySize, targets);
        int k = targets is null ? topK : Math.Min(topK, candidates.Length);
        if (k < 1 || k > candidates.Length)
            throw new ArgumentOutOfRangeException(nameof(topK), topK, $"top_k must be in 1…{candidates.Length}.");

        bool singleMask = masks.Count == 1;
        var result = new List<IReadOnlyList<FillMaskPrediction>>(masks.Count);
        var probabilities = new float[vocabularySize];
        for (int m = 0; m < masks.Count; m++)
        {
            int position = masks[m];
            Softmax.Compute(logits.Slice((rowPerMask ? m : position) * vocabularySize, vocabularySize), probabilities);
            var row = new List<FillMaskPrediction>(k);
            foreach (int id in TopK(probabilities, candidates, k))
                row.Add(new FillMaskPrediction(probabilities[id], id, _tokenizer.Decode([id]), Sequence(inputIds, position, id, singleMask)));
            result.Add(row);
        }
        return result;
    }

    private static int[] Candidates(int vocabularySize, FillMaskTargets? targets)
    {
        if (targets is null)
            return Enumerable.Range(0, vocabularySize).ToArray();
        foreach (int id in targets.Ids)
            if (id < 0 || id >= vocabularySize)
                throw new ArgumentOutOfRangeException(nameof(targets), id, $"Target id {id} is outside the model's vocabulary of {vocabularySize}: resolve targets with this model's tokenizer.");
        return targets.Ids.ToArray();
    }

    // The k most probable candidates, best first; ties go to the candidate listed first.
    private static int[] TopK(float[] probabilities, int[] candidates, int k)
    {
        var best = new int[k];
        int count = 0;
        foreach (int id in candidates)
        {
            float p = probabilities[id];
            if (count == k && p <= probabilities[best[k - 1]])
                continue;
            int at = Math.Min(count, k - 1);
            while (at > 0 && probabilities[best[at - 1]] < p)
            {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = id;
            count = Math.Min(count + 1, k);
        }
        return best;
    }

    private string Sequence(IReadOnlyList<int> inputIds, int position, int id, bool singleMask)
    {
        var tokens = new List<int>(inputIds.Count);
        for (int i = 0; i < inputIds.Count; i++)
        {
            int token = i == position ? id : inputIds[i];
            if (token != _tokenizer.PadTokenId)
                tokens.Add(token);
        }
        // The pipeline skips special tokens for readability, but keeps them with several masks so the others show.
        return _tokenizer.Decode(tokens, skipSpecialTokens: singleMask);
    }
}
