using Microsoft.ML.Deberta.Tokenization;

namespace Microsoft.ML.Deberta.Tasks.TokenClassification;

/// <summary>
/// The pipeline's <c>aggregate_words</c>: tokens grouped into words (a word starts at every token that is not a
/// sub-word) and one label per word, so that a word never ends up split between entities.
/// </summary>
internal static class WordAggregator
{
    /// <summary>One entity per word, labelled by <paramref name="aggregation"/> (first, average or max).</summary>
    public static List<EntitySpan> Aggregate(
        IReadOnlyList<ScoredToken> tokens, EntityAggregation aggregation, IReadOnlyList<string> id2label, DebertaTokenizerBase tokenizer)
    {
        var words = new List<EntitySpan>();
        var word = new List<ScoredToken>();
        foreach (ScoredToken token in tokens)
        {
            if (word.Count > 0 && !token.IsSubword)
            {
                words.Add(AggregateWord(word, aggregation, id2label, tokenizer));
                word.Clear();
            }
            word.Add(token);
        }
        if (word.Count > 0)
            words.Add(AggregateWord(word, aggregation, id2label, tokenizer));
        return words;
    }

    private static EntitySpan AggregateWord(
        List<ScoredToken> word, EntityAggregation aggregation, IReadOnlyList<string> id2label, DebertaTokenizerBase tokenizer)
    {
        float[] probabilities = aggregation switch
        {
            EntityAggregation.First => word[0].Probabilities,
            // The first token with the highest probability of any label (Python's max keeps the first on ties).
            EntityAggregation.Max => word.Aggregate((best, t) => t.Probabilities.Max() > best.Probabilities.Max() ? t : best).Probabilities,
            EntityAggregation.Average => Mean(word),
            _ => throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "Only first, average and max aggregate words."),
        };
        int label = Softmax.ArgMax(probabilities);
        string text = tokenizer.ConvertTokensToString(word.Select(t => t.Word));
        return new EntitySpan(id2label[label], probabilities[label], text, word[0].Start, word[^1].End, null);
    }

    /// <summary>The mean probability vector of the word's tokens (numpy's <c>nanmean</c> over axis 0, in float32).</summary>
    private static float[] Mean(List<ScoredToken> word)
    {
        var mean = new float[word[0].Probabilities.Length];
        for (int label = 0; label < mean.Length; label++)
        {
            double sum = 0;
            foreach (ScoredToken token in word)
                sum += token.Probabilities[label];
            mean[label] = (float)(sum / word.Count);
        }
        return mean;
    }
}
