namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Masks a sequence for masked-LM training with the semantics of transformers' <c>DataCollatorForLanguageModeling</c>
/// (and, with whole-word masking, <c>DataCollatorForWholeWordMask</c>): positions are selected with the mask
/// probability — special tokens never, padding never (it is added after masking) — and of the selected ones 80% become
/// the mask token, 10% a random id in [0, vocabulary size) and 10% stay unchanged; labels hold the original id at
/// selected positions and −100 elsewhere.
/// </summary>
/// <remarks>
/// transformers draws one Bernoulli per position over the whole batch; this draws the same Bernoullis position by
/// position from a seeded <see cref="Random"/>, so the statistics are the same and a seed repeats a run.
/// Whole-word masking follows <c>_whole_word_mask</c>, with our tokenizers' word ids as word boundaries (transformers
/// relies on BERT's "##" prefix, which DeBERTa's tokenizers do not use): the words are shuffled, and whole words are
/// taken while they fit into round(length × probability) positions (at least 1, at most 512; the length counts the
/// special tokens, as there); then each selected token is replaced 80/10/10 on its own.
/// </remarks>
internal sealed class LanguageModelingMasker
{
    /// <summary>The label of positions without a target (cross-entropy's ignore index).</summary>
    public const int IgnoredLabel = -100;

    private const int MaxPredictions = 512;
    private const double MaskReplaceProbability = 0.8;
    private const double RandomOfRestProbability = 0.5; // of the 20% not replaced by the mask: half random, half unchanged

    private readonly int _maskTokenId;
    private readonly int _vocabularySize;
    private readonly double _probability;
    private readonly bool _wholeWords;

    /// <summary>Creates the masker.</summary>
    /// <param name="maskTokenId">The tokenizer's mask token id.</param>
    /// <param name="vocabularySize">Random replacements are drawn from [0, this) (transformers: <c>len(tokenizer)</c>).</param>
    /// <param name="probability">The mask probability, in (0, 1).</param>
    /// <param name="wholeWords">Mask whole words (all pieces of a word or none).</param>
    public LanguageModelingMasker(int maskTokenId, int vocabularySize, double probability, bool wholeWords)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maskTokenId);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        MaskedLMTrainingOptions.CheckMaskProbability(probability, nameof(probability));
        _maskTokenId = maskTokenId;
        _vocabularySize = vocabularySize;
        _probability = probability;
        _wholeWords = wholeWords;
    }

    /// <summary>Masks one sequence; writes the model inputs and labels (same length as the example).</summary>
    public void Mask(LanguageModelingExample example, Random random, Span<long> inputs, Span<long> labels)
    {
        int length = example.InputIds.Length;
        var selected = _wholeWords ? SelectWholeWords(example, random) : SelectTokens(example, random);
        for (int t = 0; t < length; t++)
        {
            int id = example.InputIds[t];
            if (!selected[t])
            {
                inputs[t] = id;
                labels[t] = IgnoredLabel;
                continue;
            }
            labels[t] = id;
            if (random.NextDouble() < MaskReplaceProbability)
                inputs[t] = _maskTokenId;
            else if (random.NextDouble() < RandomOfRestProbability)
                inputs[t] = random.Next(_vocabularySize);
            else
                inputs[t] = id;
        }
    }

    private bool[] SelectTokens(LanguageModelingExample example, Random random)
    {
        var selected = new bool[example.InputIds.Length];
        for (int t = 0; t < selected.Length; t++)
            selected[t] = !example.SpecialTokens[t] && random.NextDouble() < _probability;
        return selected;
    }

    private bool[] SelectWholeWords(LanguageModelingExample example, Random random)
    {
        int length = example.InputIds.Length;
        // Candidate words in order: consecutive non-special tokens with the same word id; a token without one is a word alone.
        var words = new List<List<int>>();
        for (int t = 0; t < length; t++)
        {
            if (example.SpecialTokens[t])
                continue;
            int word = example.WordIds[t];
            bool continues = word >= 0 && t > 0 && !example.SpecialTokens[t - 1] && example.WordIds[t - 1] == word && words.Count > 0;
            if (continues)
                words[^1].Add(t);
            else
                words.Add([t]);
        }
        for (int i = words.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (words[i], words[j]) = (words[j], words[i]);
        }
        int toPredict = Math.Min(MaxPredictions, Math.Max(1, (int)Math.Round(length * _probability, MidpointRounding.ToEven)));
        var selected = new bool[length];
        int covered = 0;
        foreach (var word in words)
        {
            if (covered >= toPredict)
                break;
            if (covered + word.Count > toPredict)
                continue;
            foreach (int t in word)
                selected[t] = true;
            covered += word.Count;
        }
        return selected;
    }
}
